// a value the script did not label takes the name of the variable it was first assigned to
// (`const e = a.mul(b)` shows as "e"). the runner's loader calls this after each such assignment
// in the user's own files; a label the script gives (new Value(2, "a"), e.label = "mine") wins.
import { Value } from "./value";

/** @internal labels `v` with `name` when it is a Value that has no label yet */
export function nameValue(v: unknown, name: string): void {
  if (v instanceof Value && v.label === "") v.label = name;
}

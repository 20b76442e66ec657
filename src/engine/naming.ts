// a value the script did not label takes the name of the variable it was first assigned to
// (`const e = a.mul(b)` shows as "e"). the runner's loader calls this after each such assignment
// in the user's own files; a label the script gives (new Value(2, "a"), e.label = "mine") wins.
import { Value } from "./value";
import { Tensor } from "./tensor/tensor";

/** @internal labels `v` with `name` when it is a Value or a Tensor that has no label yet (a tensor's elements then read W1[0,1]) */
export function nameValue(v: unknown, name: string): void {
  if (v instanceof Value) {
    if (v.label === "") v.label = name;
  } else if (v instanceof Tensor && v.label === "") v.label = name;
}

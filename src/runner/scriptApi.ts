// what `import … from "backprop-stepper"` gives a script: the engine's exports less the runner's
// own (INTERNAL_EXPORTS: the backward() listener, the trace builder, the json and the numeric
// check). frozen, as an es module's namespace is: a script cannot swap an engine function for the
// other files it imports.
import * as engine from "../engine";

export function scriptApi(): Readonly<Record<string, unknown>> {
  const internal = new Set(engine.INTERNAL_EXPORTS);
  const api: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(engine)) if (!internal.has(name)) api[name] = value;
  return Object.freeze(api);
}

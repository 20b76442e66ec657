// what every network part has: its parameters, a way to zero their grads, and forward.

import type { Value } from "../value";
import type { ModuleScope } from "../group";

export abstract class Module {
  /** the module path values created by this module carry ("MLP/L1/N2") */
  abstract readonly path: string;

  /** @internal groups the module's parameters and each of its calls, for the panel */
  abstract readonly scope: ModuleScope;

  abstract parameters(): Value[];

  /** outputs for inputs x: always an array, even for a single output */
  abstract forward(x: readonly (Value | number)[]): Value[];

  /** grad := 0 for every parameter; call before each backward() of a training loop */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = 0;
  }
}

/** what the panel calls a module at path: "layer 2" for ".../L2", "neuron 3" for ".../N3", else its last part */
export function titleOf(path: string, fallback: string): string {
  const last = path.slice(path.lastIndexOf("/") + 1);
  const m = /^([LN])(\d+)$/.exec(last);
  if (m && path.includes("/")) return `${m[1] === "L" ? "layer" : "neuron"} ${m[2]}`;
  return last || fallback;
}

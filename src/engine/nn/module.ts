// what every network part has: its parameters, a way to zero their grads, and forward.

import type { Value } from "../value";

export abstract class Module {
  /** the module path values created by this module carry ("MLP/L1/N2") */
  abstract readonly path: string;

  abstract parameters(): Value[];

  /** outputs for inputs x: always an array, even for a single output */
  abstract forward(x: readonly (Value | number)[]): Value[];

  /** grad := 0 for every parameter; call before each backward() of a training loop */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = 0;
  }
}

// stochastic gradient descent, pytorch's update: v = momentum·v + grad; p -= lr·v.

import type { Value } from "../value";
import { Tensor } from "../tensor/tensor";
import { optimizerStep } from "../update";

export interface SGDOptions {
  lr: number;
  /** default 0 (plain p -= lr·grad) */
  momentum?: number;
}

export class SGD {
  readonly params: readonly Value[];
  /** may be changed between steps (a learning-rate schedule) */
  lr: number;
  momentum: number;
  private readonly velocity: Float64Array;

  /** params: values, or tensors (a Linear's parameters()), whose elements are stepped */
  constructor(params: readonly (Value | Tensor)[], opts: SGDOptions) {
    this.params = params.flatMap((p) => (p instanceof Tensor ? p.values : [p]));
    this.lr = opts.lr;
    this.momentum = opts.momentum ?? 0;
    this.velocity = new Float64Array(this.params.length);
  }

  step(): void {
    const ps = this.params;
    const mu = this.momentum;
    // the runner may watch this update (update.ts): then each param's step is told, with its numbers
    const record = optimizerStep({ rule: "sgd", lr: this.lr, momentum: mu });
    for (let i = 0; i < ps.length; i++) {
      const p = ps[i];
      const grad = p.grad;
      let g = grad;
      if (mu !== 0) g = this.velocity[i] = mu * this.velocity[i] + g;
      const before = p.data;
      p.data = before - this.lr * g;
      if (record !== null) record.param(p, before, p.data, grad, mu !== 0 ? { velocity: g } : undefined);
    }
  }

  zeroGrad(): void {
    for (const p of this.params) p.grad = 0;
  }
}

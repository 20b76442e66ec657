// stochastic gradient descent, pytorch's update: v = momentum·v + grad; p -= lr·v.

import type { Value } from "../value";

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

  constructor(params: readonly Value[], opts: SGDOptions) {
    this.params = params;
    this.lr = opts.lr;
    this.momentum = opts.momentum ?? 0;
    this.velocity = new Float64Array(params.length);
  }

  step(): void {
    const ps = this.params;
    const mu = this.momentum;
    for (let i = 0; i < ps.length; i++) {
      const p = ps[i];
      let g = p.grad;
      if (mu !== 0) g = this.velocity[i] = mu * this.velocity[i] + g;
      p.data -= this.lr * g;
    }
  }

  zeroGrad(): void {
    for (const p of this.params) p.grad = 0;
  }
}

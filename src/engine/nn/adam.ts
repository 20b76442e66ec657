// adam (kingma & ba), as pytorch computes it: bias-corrected first and second moments.

import type { Value } from "../value";
import { Tensor } from "../tensor/tensor";
import { optimizerStep } from "../update";

export interface AdamOptions {
  /** default 0.001 */
  lr?: number;
  /** default 0.9 */
  beta1?: number;
  /** default 0.999 */
  beta2?: number;
  /** default 1e-8 */
  eps?: number;
}

export class Adam {
  readonly params: readonly Value[];
  lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  /** steps taken so far */
  t = 0;
  private readonly m: Float64Array;
  private readonly v: Float64Array;

  /** params: values, or tensors (a Linear's parameters()), whose elements are stepped */
  constructor(params: readonly (Value | Tensor)[], opts: AdamOptions = {}) {
    this.params = params.flatMap((p) => (p instanceof Tensor ? p.values : [p]));
    this.lr = opts.lr ?? 0.001;
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.eps = opts.eps ?? 1e-8;
    this.m = new Float64Array(this.params.length);
    this.v = new Float64Array(this.params.length);
  }

  step(): void {
    this.t++;
    const { beta1: b1, beta2: b2, m, v } = this;
    const c1 = 1 - Math.pow(b1, this.t);
    const c2 = 1 - Math.pow(b2, this.t);
    // the runner may watch this update (update.ts): then each param's step is told, with its numbers
    const record = optimizerStep({ rule: "adam", lr: this.lr, beta1: b1, beta2: b2, eps: this.eps, t: this.t });
    for (let i = 0; i < this.params.length; i++) {
      const p = this.params[i];
      const g = p.grad;
      m[i] = b1 * m[i] + (1 - b1) * g;
      v[i] = b2 * v[i] + (1 - b2) * g * g;
      // grouped as pytorch groups it, so the numbers agree to the last bit
      const denom = Math.sqrt(v[i]) / Math.sqrt(c2) + this.eps;
      const step = (this.lr / c1) * (m[i] / denom);
      const before = p.data;
      p.data = before - step;
      if (record !== null) record.param(p, before, p.data, g, { m: m[i], v: v[i], mHat: m[i] / c1, vHat: v[i] / c2, step });
    }
  }

  zeroGrad(): void {
    for (const p of this.params) p.grad = 0;
  }
}

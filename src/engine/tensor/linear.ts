// a Linear layer on tensors, as the lessons write it: y = x·W + b, W [nin, nout] and b [nout]
// parameter tensors (named "W" and "b", or as given), x a batch [batch, nin] or one sample [nin].
// b is broadcast over the batch, so its grad is the output's grad summed over the batch axis.

import { ModuleScope } from "../group";
import { DEFAULT_SEED, Random } from "../random";
import { titleOf } from "../nn/module";
import { Tensor, tensor } from "./tensor";
import { shapeText } from "./shapes";

export interface LinearOptions {
  /** seed of the initialisation (default 42); ignored when rng is given */
  seed?: number;
  rng?: Random;
  /** module path of the layer (default "Linear") */
  name?: string;
  /** W's label (default "W") */
  weight?: string;
  /** b's label (default "b") */
  bias?: string;
}

export class Linear {
  readonly path: string;
  readonly nin: number;
  readonly nout: number;
  /** [nin, nout], uniform in ±1/√nin (pytorch's default), drawn row by row */
  readonly W: Tensor;
  /** [nout], uniform in ±1/√nin, drawn after W */
  readonly b: Tensor;
  /** @internal groups the layer's parameters and each of its calls, for the panel */
  readonly scope: ModuleScope;

  constructor(nin: number, nout: number, opts: LinearOptions = {}) {
    if (!Number.isInteger(nin) || nin < 1 || !Number.isInteger(nout) || nout < 1) {
      throw new Error(`Linear(${nin}, ${nout}): the sizes must be whole numbers of at least 1`);
    }
    this.path = opts.name ?? "Linear";
    this.nin = nin;
    this.nout = nout;
    const r = opts.rng ?? new Random(opts.seed ?? DEFAULT_SEED);
    const bound = 1 / Math.sqrt(nin);
    this.scope = new ModuleScope("layer", titleOf(this.path, "Linear"), this.path);
    const [W, b] = this.scope.define(() => {
      const w = Array.from({ length: nin }, () => Array.from({ length: nout }, () => r.uniform(-bound, bound)));
      const bias = Array.from({ length: nout }, () => r.uniform(-bound, bound));
      return [tensor(w, opts.weight ?? "W"), tensor(bias, opts.bias ?? "b")];
    });
    this.W = W;
    this.b = b;
  }

  /** x·W + b for a batch [batch, nin] (gives [batch, nout]) or one sample [nin] (gives [nout]) */
  forward(x: Tensor): Tensor {
    if (!(x instanceof Tensor)) throw new TypeError(`${this.path}.forward expects a Tensor (tensor([[…]]))`);
    const s = x.shape;
    if (s.length === 0 || s[s.length - 1] !== this.nin) {
      throw new Error(`${this.path} expects inputs of shape [batch, ${this.nin}] or [${this.nin}], got ${shapeText(s)}`);
    }
    return this.scope.call(() => x.matmul(this.W).add(this.b));
  }

  parameters(): Tensor[] {
    return [this.W, this.b];
  }

  /** grad := 0 for every parameter */
  zeroGrad(): void {
    for (const p of this.parameters()) p.zeroGrad();
  }

  toString(): string {
    return `Linear(${this.nin}, ${this.nout})`;
  }
}

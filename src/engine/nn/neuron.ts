// one neuron: activation(w · x + b), built micrograd's way as a chain b + w0*x0 + w1*x1 + …

import { Value } from "../value";
import { ModuleScope } from "../group";
import { DEFAULT_SEED, Random } from "../random";
import { Module, titleOf } from "./module";
import { activate, type Activation } from "./activation";

export interface NeuronOptions {
  /** default "tanh" */
  activation?: Activation;
  /** seed of the weight initialisation (default 42); ignored when rng is given */
  seed?: number;
  /** generator to draw weights from (a Layer shares one among its neurons) */
  rng?: Random;
  /** module path of this neuron (default "Neuron") */
  name?: string;
}

export class Neuron extends Module {
  readonly path: string;
  readonly activation: Activation;
  /** weights w0, w1, … uniform in [-1, 1) */
  readonly w: Value[];
  /** bias, starts at 0 */
  readonly b: Value;
  readonly scope: ModuleScope;

  constructor(nin: number, opts: NeuronOptions = {}) {
    super();
    this.path = opts.name ?? "Neuron";
    this.activation = opts.activation ?? "tanh";
    const r = opts.rng ?? new Random(opts.seed ?? DEFAULT_SEED);
    this.scope = new ModuleScope("neuron", titleOf(this.path, "Neuron"), this.path);
    const w: Value[] = [];
    const b = this.scope.define(() => {
      for (let i = 0; i < nin; i++) w.push(new Value(r.uniform(-1, 1), `w${i}`));
      return new Value(0, "b");
    });
    this.w = w;
    this.b = b;
  }

  parameters(): Value[] {
    return [...this.w, this.b];
  }

  forward(x: readonly (Value | number)[]): Value[] {
    return [this.output(x)];
  }

  /** the neuron's one output as a value (forward gives it as a one-element array) */
  output(x: readonly (Value | number)[]): Value {
    checkInputs(this.path, this.w.length, x.length);
    return this.scope.call(() => {
      // named as a learner writes it: z = b + w0*x0 + w1*x1 + …, out = tanh(z)
      let z = this.b;
      const n = this.w.length;
      for (let i = 0; i < n; i++) {
        const wx = this.w[i].mul(x[i]);
        wx.label = productLabel(i);
        z = z.add(wx);
        z.label = i === n - 1 ? "z" : sumLabel(i);
      }
      const out = activate(z, this.activation);
      if (out !== z) out.label = ACTIVATED[this.activation];
      return out;
    });
  }

  override toString(): string {
    return `${this.activation}Neuron(${this.w.length})`;
  }
}

/** a clear message instead of NaN when a script feeds the wrong number of inputs */
export function checkInputs(path: string, nin: number, got: number): void {
  if (got !== nin) throw new Error(`${path} expects ${nin} inputs, got ${got}`);
}

/** numbers become labelled leaves once (x0, x1, …), not once per neuron */
export function liftInputs(x: readonly (Value | number)[]): Value[] {
  return x.map((v, i) => (typeof v === "number" ? new Value(v, `x${i}`) : v));
}

// a neuron's labels are made once, not once per value: a training loop makes tens of thousands a
// step, and every new string is more for the garbage collector to copy while the graph is alive
const products: string[] = [];
const sums: string[] = [];
const productLabel = (i: number): string => products[i] ?? (products[i] = `w${i}*x${i}`);
const sumLabel = (i: number): string => sums[i] ?? (sums[i] = `z${i}`);
const ACTIVATED: Record<Activation, string> = { tanh: "tanh(z)", relu: "relu(z)", sigmoid: "sigmoid(z)", linear: "linear(z)" };

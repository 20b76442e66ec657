// nout neurons reading the same inputs.

import type { Value } from "../value";
import { ModuleScope } from "../group";
import { DEFAULT_SEED, Random } from "../random";
import { Module, titleOf } from "./module";
import { Neuron, checkInputs, liftInputs } from "./neuron";
import type { Activation } from "./activation";

export interface LayerOptions {
  /** default "tanh" */
  activation?: Activation;
  /** seed of the weight initialisation (default 42); ignored when rng is given */
  seed?: number;
  rng?: Random;
  /** module path of this layer (default "Layer"); neurons are path/N1, path/N2, … */
  name?: string;
}

export class Layer extends Module {
  readonly path: string;
  readonly neurons: Neuron[];
  readonly nin: number;
  readonly scope: ModuleScope;

  constructor(nin: number, nout: number, opts: LayerOptions = {}) {
    super();
    this.path = opts.name ?? "Layer";
    this.nin = nin;
    const r = opts.rng ?? new Random(opts.seed ?? DEFAULT_SEED);
    this.scope = new ModuleScope("layer", titleOf(this.path, "Layer"), this.path);
    this.neurons = this.scope.define(() => {
      const ns: Neuron[] = [];
      for (let j = 0; j < nout; j++) ns.push(new Neuron(nin, { activation: opts.activation, rng: r, name: `${this.path}/N${j + 1}` }));
      return ns;
    });
  }

  parameters(): Value[] {
    return this.neurons.flatMap((n) => n.parameters());
  }

  /** one output per neuron, always an array (even for a single neuron) */
  forward(x: readonly (Value | number)[]): Value[] {
    checkInputs(this.path, this.nin, x.length);
    return this.scope.call(() => {
      const xs = liftInputs(x);
      return this.neurons.map((n) => n.output(xs));
    });
  }

  override toString(): string {
    return `Layer of [${this.neurons.join(", ")}]`;
  }
}

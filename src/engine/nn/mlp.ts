// a multi-layer perceptron: layers of neurons, each reading the previous layer's outputs.

import type { Value } from "../value";
import { ModuleScope } from "../group";
import { DEFAULT_SEED, Random } from "../random";
import { Module, titleOf } from "./module";
import { Layer } from "./layer";
import { checkInputs, liftInputs } from "./neuron";
import type { Activation } from "./activation";

export interface MLPOptions {
  /** hidden layers' activation, default "tanh" (as in the micrograd lecture) */
  activation?: Activation;
  /** last layer's activation, default "linear" (as micrograd's MLP) */
  lastActivation?: Activation;
  /** seed of the weight initialisation (default 42); ignored when rng is given */
  seed?: number;
  rng?: Random;
  /** module path (default "MLP"); layers are path/L1, path/L2, …, neurons path/L1/N1, … */
  name?: string;
}

export class MLP extends Module {
  readonly path: string;
  readonly layers: Layer[];
  readonly nin: number;
  readonly scope: ModuleScope;

  constructor(nin: number, nouts: readonly number[], opts: MLPOptions = {}) {
    super();
    this.path = opts.name ?? "MLP";
    this.nin = nin;
    const r = opts.rng ?? new Random(opts.seed ?? DEFAULT_SEED);
    const sizes = [nin, ...nouts];
    this.scope = new ModuleScope("model", titleOf(this.path, "MLP"), this.path);
    this.layers = this.scope.define(() =>
      nouts.map((_, i) => {
        const last = i === nouts.length - 1;
        const activation = last ? (opts.lastActivation ?? "linear") : (opts.activation ?? "tanh");
        return new Layer(sizes[i], sizes[i + 1], { activation, rng: r, name: `${this.path}/L${i + 1}` });
      }),
    );
  }

  parameters(): Value[] {
    return this.layers.flatMap((l) => l.parameters());
  }

  /** the last layer's outputs, always an array (MLP(2, [4, 1]) gives one value in an array) */
  forward(x: readonly (Value | number)[]): Value[] {
    checkInputs(this.path, this.nin, x.length);
    return this.scope.call(() => {
      let h: Value[] = liftInputs(x);
      for (const layer of this.layers) h = layer.forward(h);
      return h;
    });
  }

  override toString(): string {
    return `MLP of [${this.layers.join(", ")}]`;
  }
}

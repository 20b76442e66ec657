// the nonlinearity a neuron applies after its weighted sum.

import type { Value } from "../value";

export type Activation = "tanh" | "relu" | "sigmoid" | "linear";

export function activate(z: Value, activation: Activation): Value {
  switch (activation) {
    case "tanh":
      return z.tanh();
    case "relu":
      return z.relu();
    case "sigmoid":
      return z.sigmoid();
    case "linear":
      return z;
    default: {
      const never: never = activation;
      throw new Error(`unknown activation ${String(never)}`);
    }
  }
}

// the four rows of xor: the smallest problem a single neuron cannot solve.

import type { Dataset } from "./dataset";

/** inputs in {0, 1}², label 1 when exactly one input is 1 */
export function xor(): Dataset {
  return {
    X: [
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ],
    y: [0, 1, 1, 0],
    features: ["a", "b"],
    classes: ["0", "1"],
  };
}

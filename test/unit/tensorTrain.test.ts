// the optimizers on tensors: Adam and sgd with momentum given a Linear's parameters() (Tensor[])
// step every element as pytorch's torch.optim does (test/fixtures/tensor-nets.json, made by
// test/torch/make_tensor_fixtures.py): 20 steps' losses and the weights they end with.

import { strict as assert } from "node:assert";
import { Adam, Linear, SGD, mse, tensor } from "../../src/engine";
import nets from "../fixtures/tensor-nets.json";
import { differs } from "./tensorProgram";

const x = [
  [0.5, -1.0, 2.0],
  [1.5, 0.0, -0.5],
  [-1.0, 1.0, 1.0],
  [0.0, 2.0, -1.5],
];
const targets = [
  [1, 0],
  [0, 1],
  [1, 1],
  [0, 0],
];

describe("optimizers on tensors against pytorch float64", () => {
  const runs = [
    { name: "adam" as const, make: (l: Linear) => new Adam(l.parameters(), { lr: 0.05 }) },
    { name: "sgd momentum" as const, make: (l: Linear) => new SGD(l.parameters(), { lr: 0.1, momentum: 0.9 }) },
  ];
  for (const { name, make } of runs) {
    it(`${name}: 20 steps of a Linear(3, 2) on a batch, every loss and the final W and b`, () => {
      const torch = nets.optimizers[name];
      const layer = new Linear(3, 2, { seed: 5 });
      const opt = make(layer);
      assert.strictEqual(opt.params.length, 3 * 2 + 2, "the tensors' elements");
      torch.losses.forEach((want, i) => {
        opt.zeroGrad();
        const loss = mse(layer.forward(tensor(x)), targets);
        loss.backward();
        opt.step();
        assert.ok(Math.abs(loss.item() - want) <= 1e-12 * Math.max(1, Math.abs(want)), `step ${i + 1}: loss ${loss.item()}, torch ${want}`);
      });
      assert.strictEqual(differs(layer.W.data, torch.W, 1e-12), null);
      assert.strictEqual(differs(layer.b.data, torch.b, 1e-12), null);
    });
  }
});

// bench: the two-moons step written with tensors, the sizes of moons.ts's (2 → 16 → 16 → 1 on the
// 100 points as one [100, 2] batch, three Linear layers, tanh hidden, mse), one backward(). about
// as many scalar values as the scalar step, drawn as a handful of tensor ops.
import { Linear, mse, tensor, topoOrder, twoMoons } from "backprop-stepper";

const data = twoMoons(100, 0.1, 1);
const l1 = new Linear(2, 16, { seed: 42 });
const l2 = new Linear(16, 16, { seed: 43 });
const l3 = new Linear(16, 1, { seed: 44 });
const X = tensor(data.X, "X");
const out = l3.forward(l2.forward(l1.forward(X).tanh()).tanh());
const loss = mse(
  out,
  data.y.map((y) => [y]),
);
loss.label = "loss";
loss.backward();
console.log(`loss ${loss.item().toFixed(4)}; ${topoOrder(loss.values[0]).length} values in the backward() graph`);

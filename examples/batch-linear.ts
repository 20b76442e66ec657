// one Linear layer on a batch: out = x·W + b, x [4, 3], W [3, 2], b [2]. b is broadcast over the
// batch (every row of out adds the same b), so backward sums out's grad over the batch axis into
// b's grad; and W's grad is xᵀ·dout, each sample's share added up.
import { Linear, mse, tensor } from "backprop-stepper";

const layer = new Linear(3, 2, { seed: 5 });
const x = tensor([
  [0.5, -1.0, 2.0],
  [1.5, 0.0, -0.5],
  [-1.0, 1.0, 1.0],
  [0.0, 2.0, -1.5],
]);
const out = layer.forward(x);
const loss = mse(out, [
  [1, 0],
  [0, 1],
  [1, 1],
  [0, 0],
]);
loss.backward();

const dout = out.grad as number[][];
const summed = [0, 1].map((j) => dout.reduce((s, row) => s + row[j], 0));
console.log(`loss ${loss.item()}`);
console.log(`db = dout summed over the batch axis: ${summed.join(", ")}`);
console.log(`b.grad: ${(layer.b.grad as number[]).join(", ")}`);
console.log(`W.grad: ${JSON.stringify(layer.W.grad)}`);

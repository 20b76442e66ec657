// the same two-layer net twice: once with scalars (a Value per number, loops over the sums), once
// with tensors (X·W1 + b1, one op per layer). the same numbers go in, the same loss and the same
// grads come out: a tensor op is only a shaped group of the scalar ops underneath.
import { Linear, Value, mse, sum, tensor } from "backprop-stepper";

const inputs = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
];
const targets = [0, 1, 1, 0];
// the starting weights, drawn once: W1 [2, 4], b1 [4], W2 [4, 1], b2 [1]
const l1 = new Linear(2, 4, { seed: 1, weight: "W1", bias: "b1" });
const l2 = new Linear(4, 1, { seed: 2, weight: "W2", bias: "b2" });

// with scalars: h_j = sigmoid(Σ_i x_i·W1[i][j] + b1[j]), out = Σ_j h_j·W2[j][0] + b2[0], added up
// in the order the tensor ops add them (the products left to right, then the bias)
const sW1 = (l1.W.data as number[][]).map((row, i) => row.map((w, j) => new Value(w, `W1[${i},${j}]`)));
const sb1 = (l1.b.data as number[]).map((b, j) => new Value(b, `b1[${j}]`));
const sW2 = (l2.W.data as number[][]).map((row, j) => new Value(row[0], `W2[${j},0]`));
const sb2 = new Value((l2.b.data as number[])[0], "b2[0]");
const outs = inputs.map((x) => {
  const h = sb1.map((b, j) => sum([...x.map((xi, i) => sW1[i][j].mul(xi)), b]).sigmoid());
  return sum([...h.map((hj, j) => hj.mul(sW2[j])), sb2]);
});
const scalarLoss = mse(outs, targets);
scalarLoss.backward();

// with tensors: the same layers, one op each
const X = tensor(inputs);
const out = l2.forward(l1.forward(X).sigmoid());
const tensorLoss = mse(out, [[0], [1], [1], [0]]);
tensorLoss.backward();

const scalarGrads = [...sW1.flat(), ...sb1, ...sW2, sb2].map((v) => v.grad);
const tensorGrads = [l1.W, l1.b, l2.W, l2.b].flatMap((t) => t.values.map((v) => v.grad));
const gap = Math.max(...scalarGrads.map((g, k) => Math.abs(g - tensorGrads[k])));
console.log(`scalars: loss ${scalarLoss.data}`);
console.log(`tensors: loss ${tensorLoss.item()}`);
console.log(`largest difference between the ${scalarGrads.length} grads: ${gap}`);
console.log(`grads: ${tensorGrads.join(", ")}`);

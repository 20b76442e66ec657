// the numpy lesson's XOR network, written with tensors: 2 inputs, 4 hidden, 1 output, sigmoid.
// its matrices are named as there: np.dot(inputs, W1) + b1 is X.matmul(W1).add(b1), and b1 is
// broadcast over the four samples. backward() writes the deltas the lesson writes by hand.
import { SGD, mse, rng, tensor, track } from "backprop-stepper";

const inputs = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
];
const targets = [0, 1, 1, 0];

// weights uniform in [-1, 1), biases 0; seeded, so every run starts the same
const r = rng(3);
const uniform = (rows: number, cols: number) => Array.from({ length: rows }, () => Array.from({ length: cols }, () => r.uniform(-1, 1)));
const W1 = tensor(uniform(2, 4), "W1");
const b1 = tensor([0, 0, 0, 0], "b1");
const W2 = tensor(uniform(4, 1), "W2");
const b2 = tensor([0], "b2");
const opt = new SGD([W1, b1, W2, b2], { lr: 2 });

const EPOCHS = 1000;
for (let epoch = 1; epoch <= EPOCHS; epoch++) {
  // the data as tensors of this step's graph (their grads are this step's alone)
  const X = tensor(inputs);
  const y = tensor(targets.map((t) => [t]));
  const hidden = X.matmul(W1).add(b1).sigmoid();
  const output = hidden.matmul(W2).add(b2).sigmoid();
  const loss = mse(output, y);
  opt.zeroGrad();
  loss.backward();
  opt.step();

  const predictions = (output.data as number[][]).map((row) => row[0]);
  const accuracy = predictions.filter((p, i) => (p > 0.5 ? 1 : 0) === targets[i]).length / targets.length;
  track("accuracy", accuracy);
  if (epoch === 1 || epoch % 100 === 0) console.log(`epoch ${epoch}: loss ${loss.item().toFixed(6)}, accuracy ${accuracy * 100}%`);
  if (epoch === EPOCHS) console.log(`predictions for 00, 01, 10, 11: ${predictions.map((p) => p.toFixed(4)).join(", ")}`);
}

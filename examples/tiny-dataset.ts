// the lecture's tiny dataset: four samples of three inputs, a target of +1 or -1 each.
// an MLP(3, [4, 4, 1]) learns them by gradient descent: forward, zero the grads, backward, update.
// the panel plots the loss of every backward() call; click the curve to step an earlier one.
import { MLP, mse } from "backprop-stepper";

const xs = [
  [2.0, 3.0, -1.0],
  [3.0, -1.0, 0.5],
  [0.5, 1.0, 1.0],
  [1.0, 1.0, -1.0],
];
const ys = [1.0, -1.0, -1.0, 1.0];
// tanh on every layer, as the lecture's neurons have, so the outputs stay in (-1, 1)
const model = new MLP(3, [4, 4, 1], { activation: "tanh", lastActivation: "tanh", seed: 1 });
const lr = 0.1;

for (let k = 0; k < 20; k++) {
  const ypred = xs.map((x) => model.forward(x)[0]);
  const loss = mse(ypred, ys);
  loss.label = "loss";
  model.zeroGrad();
  loss.backward();
  for (const p of model.parameters()) p.data -= lr * p.grad; // the update, by hand
  console.log(`step ${k}: loss ${loss.data.toFixed(4)}`);
}

const final = xs.map((x) => model.forward(x)[0].data.toFixed(3));
console.log(`predictions: ${final.join(", ")} (targets ${ys.join(", ")})`);

// micrograd's demo: an MLP(2, [16, 16, 1]) separates two moons. the loss is micrograd's:
// the max-margin (hinge) loss, mean(relu(1 - y*score)), plus l2 = 1e-4 * sum(p²) on the weights.
// one step's graph has about 66,000 values: the panel opens it grouped (samples, layers, the loss);
// use Step over / Step into to move a sample or a neuron at a time, and the loss curve to pick a step.
// the accuracy of each step is tracked beside the loss, and showDecision() draws the scores over
// the plane after each update: the boundary the moons are separated by.
import { MLP, hingeLoss, l2, showDecision, track, twoMoons } from "backprop-stepper";

const data = twoMoons(100, 0.1, 1);
const ys = data.y.map((y) => (y === 1 ? 1 : -1)); // the hinge loss wants labels -1 and +1
const model = new MLP(2, [16, 16, 1], { activation: "relu", seed: 3 });
const steps = 20;

for (let k = 0; k < steps; k++) {
  const scores = data.X.map((x) => model.forward(x)[0]);
  const loss = hingeLoss(scores, ys).add(l2(model.parameters(), 1e-4));
  loss.label = "loss";
  model.zeroGrad();
  loss.backward();
  // micrograd's schedule: the learning rate falls from 1.0 towards 0.1
  const lr = 1.0 - (0.9 * k) / steps;
  for (const p of model.parameters()) p.data -= lr * p.grad;
  const correct = scores.filter((s, i) => (s.data > 0 ? 1 : -1) === ys[i]).length;
  const accuracy = (100 * correct) / ys.length;
  track("accuracy", accuracy);
  showDecision(model, { X: data.X, y: ys });
  console.log(`step ${k}: loss ${loss.data.toFixed(4)}, accuracy ${accuracy.toFixed(0)}%`);
}

// micrograd's demo: an MLP separates two moons with the max-margin (hinge) loss.
// the graph of one step has thousands of Values: the panel summarises it and plots the loss.
import { MLP, SGD, hingeLoss, twoMoons, Value } from "backprop-stepper";

const data = twoMoons(60, 0.1, 7);
const ys = data.y.map((y) => (y === 1 ? 1 : -1));
const model = new MLP(2, [16, 16, 1], { activation: "relu", seed: 3 });
const opt = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });

for (let step = 0; step < 30; step++) {
  const scores: Value[] = data.X.map((x) => model.forward(x)[0]);
  const loss = hingeLoss(scores, ys);
  model.zeroGrad();
  loss.backward();
  opt.step();
  const accuracy = scores.filter((s, i) => (s.data > 0 ? 1 : -1) === ys[i]).length / ys.length;
  if (step % 5 === 0) console.log(`step ${step}: loss ${loss.data.toFixed(4)}, accuracy ${(accuracy * 100).toFixed(0)}%`);
}

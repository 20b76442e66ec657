// fisher's iris: 150 flowers, 4 measurements each, 3 species. an MLP(4, [8, 3]) gives 3 scores
// per flower; softmax cross-entropy turns them into a loss; Adam updates the weights.
// accuracy per epoch is printed, and tracked: the panel plots it beside the loss. it draws the last
// epoch's graph grouped by sample; open a sample's box to see one flower's forward pass.
import { Adam, MLP, argmax, iris, mean, softmaxCrossEntropy, track } from "backprop-stepper";

const data = iris();
// standardise each measurement (mean 0, spread 1): the tanh neurons learn much faster on these
const cols = data.X[0].map((_, j) => data.X.map((row) => row[j]));
const mu = cols.map((c) => c.reduce((s, v) => s + v, 0) / c.length);
const sd = cols.map((c, j) => Math.sqrt(c.reduce((s, v) => s + (v - mu[j]) ** 2, 0) / c.length));
const X = data.X.map((row) => row.map((v, j) => (v - mu[j]) / sd[j]));

const model = new MLP(4, [8, 3], { activation: "tanh", seed: 2 });
const opt = new Adam(model.parameters(), { lr: 0.05 });

for (let epoch = 1; epoch <= 25; epoch++) {
  const scores = X.map((x) => model.forward(x));
  const loss = mean(scores.map((s, i) => softmaxCrossEntropy(s, data.y[i])));
  loss.label = "loss";
  model.zeroGrad();
  loss.backward();
  opt.step();
  const correct = scores.filter((s, i) => argmax(s) === data.y[i]).length;
  const accuracy = (100 * correct) / data.y.length;
  track("accuracy", accuracy);
  console.log(`epoch ${epoch}: loss ${loss.data.toFixed(4)}, accuracy ${accuracy.toFixed(1)}%`);
}

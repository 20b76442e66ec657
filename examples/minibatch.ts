// mini-batches: the two moons again, but each update sees only 10 shuffled samples, so an epoch
// of 100 samples makes 10 updates. each batch is its own backward() call with a small graph:
// the panel draws the last batch; click the loss curve to step any other batch's pass.
// the batch losses jump around (each batch is different) while the epoch's mean falls.
import { MLP, SGD, hingeLoss, l2, rng, twoMoons } from "backprop-stepper";

const data = twoMoons(100, 0.1, 1);
const ys = data.y.map((y) => (y === 1 ? 1 : -1));
const model = new MLP(2, [16, 16, 1], { activation: "relu", seed: 3 });
const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
const random = rng(5);
const batchSize = 10;
const order = data.X.map((_, i) => i);

for (let epoch = 1; epoch <= 8; epoch++) {
  random.shuffle(order); // a new split into batches every epoch
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < order.length; start += batchSize) {
    const batch = order.slice(start, start + batchSize);
    const scores = batch.map((i) => model.forward(data.X[i])[0]);
    const loss = hingeLoss(
      scores,
      batch.map((i) => ys[i]),
    ).add(l2(model.parameters(), 1e-4));
    loss.label = "batch loss";
    opt.zeroGrad();
    loss.backward();
    opt.step();
    lossSum += loss.data * batch.length;
    correct += scores.filter((s, j) => (s.data > 0 ? 1 : -1) === ys[batch[j]]).length;
  }
  const meanLoss = lossSum / order.length;
  const accuracy = (100 * correct) / order.length;
  console.log(`epoch ${epoch}: mean batch loss ${meanLoss.toFixed(4)}, accuracy ${accuracy.toFixed(0)}%`);
}

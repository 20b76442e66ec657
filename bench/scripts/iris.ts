// bench: fisher's iris, a 3-layer relu MLP (4 -> 8 -> 8 -> 3), softmax cross-entropy averaged
// over a mini-batch of 8 rows from all three species, one backward(). about 2,300 values.
import { MLP, iris, mean, softmaxCrossEntropy, topoOrder } from "backprop-stepper";

const data = iris();
// every 19th row: a fixed batch that spans the three species (rows are grouped by species)
const batch = data.X.map((x, i) => ({ x, y: data.y[i] })).filter((_, i) => i % 19 === 0);
const model = new MLP(4, [8, 8, 3], { activation: "relu", seed: 7 });

const loss = mean(batch.map(({ x, y }) => softmaxCrossEntropy(model.forward(x), y)));
loss.label = "loss";
model.zeroGrad();
loss.backward();
console.log(`loss ${loss.data.toFixed(4)}; ${topoOrder(loss).length} values in the backward() graph`);

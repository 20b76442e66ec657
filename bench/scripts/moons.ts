// bench: micrograd's two-moons step. MLP(2, [16, 16, 1]) with relu, the max-margin (hinge) loss
// over all 100 samples plus alpha * sum(p^2) (alpha 1e-4) on the parameters, one backward().
// about 65,800 values.
import { MLP, hingeLoss, l2, topoOrder, twoMoons } from "backprop-stepper";

const data = twoMoons(100, 0.1, 1);
const ys = data.y.map((y) => (y === 1 ? 1 : -1));
const model = new MLP(2, [16, 16, 1], { activation: "relu", seed: 1337 });

const scores = data.X.map((x) => model.forward(x)[0]);
const loss = hingeLoss(scores, ys).add(l2(model.parameters(), 1e-4));
loss.label = "loss";
model.zeroGrad();
loss.backward();
console.log(`loss ${loss.data.toFixed(4)}; ${topoOrder(loss).length} values in the backward() graph`);

// bench: micrograd's lecture network widened, MLP(3, [16, 16, 1]), on seven samples, a few sgd steps with mse.
// sized so the last backward() graph has about 5,000 values.
import { MLP, SGD, mse, topoOrder, type Value } from "backprop-stepper";

const X = [
  [2.0, 3.0, -1.0],
  [3.0, -1.0, 0.5],
  [0.5, 1.0, 1.0],
  [1.0, 1.0, -1.0],
  [-1.0, 2.0, 0.5],
  [0.0, -2.0, 1.5],
  [2.0, -1.0, -0.5],
];
const y = [1.0, -1.0, -1.0, 1.0, -1.0, 1.0, -1.0];
const model = new MLP(3, [16, 16, 1], { seed: 1 });
const opt = new SGD(model.parameters(), { lr: 0.05 });

let loss: Value | undefined;
for (let step = 0; step < 3; step++) {
  loss = mse(
    X.map((x) => model.forward(x)[0]),
    y,
  );
  model.zeroGrad();
  loss.backward();
  opt.step();
}
console.log(`${topoOrder(loss!).length} values in the last backward() graph`);

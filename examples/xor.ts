// a 2-4-1 MLP learns XOR. every backward() call is recorded: the panel plots the loss per call,
// and you can step the last one, or pick another on the loss curve. track() adds the accuracy of
// each epoch beside the loss, and showDecision() the model's output over the plane after each update.
import { MLP, SGD, mse, showDecision, track, xor } from "backprop-stepper";

const data = xor();
const model = new MLP(2, [4, 1], { activation: "tanh", seed: 1 });
const opt = new SGD(model.parameters(), { lr: 0.2, momentum: 0.9 });

for (let epoch = 0; epoch < 60; epoch++) {
  const preds = data.X.map((x) => model.forward(x)[0]);
  const loss = mse(preds, data.y);
  loss.label = "loss";
  model.zeroGrad();
  loss.backward();
  opt.step();
  // a prediction above 0.5 says 1
  const correct = preds.filter((p, i) => (p.data > 0.5 ? 1 : 0) === data.y[i]).length;
  track("accuracy", (100 * correct) / data.y.length);
  showDecision(model, data);
  if (epoch % 10 === 0) console.log(`epoch ${epoch}: loss ${loss.data.toFixed(4)}`);
}

const final = data.X.map((x) => model.forward(x)[0].data.toFixed(3));
console.log(`predictions for ${JSON.stringify(data.X)}: ${final.join(", ")}`);

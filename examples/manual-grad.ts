// ManualGrad next to AutoGrad: the same sigmoid twice.
// - by hand: one node whose local derivative you write yourself, s * (1 - s)
// - composed: 1 / (1 + exp(-x)), four nodes whose derivatives the engine knows
// step both passes and watch the two x grads come out equal. the hand-written op is given its
// forward formula too, so the numeric check can run it again and tell whether s * (1 - s) is right.
import { Value, manualGrad } from "backprop-stepper";

function sigmoidByHand(x: Value): Value {
  const forward = ([v]: readonly number[]) => 1 / (1 + Math.exp(-v));
  const s = forward([x.data]);
  return manualGrad("sigmoid (manual)", [x], s, [s * (1 - s)], forward);
}

function sigmoidComposed(x: Value): Value {
  return new Value(1).div(x.neg().exp().add(1));
}

const xManual = new Value(0.5, "x (manual)");
const xAuto = new Value(0.5, "x (auto)");
const yManual = sigmoidByHand(xManual);
yManual.label = "s manual";
const yAuto = sigmoidComposed(xAuto);
yAuto.label = "s auto";

// one root so both show in one pass: their sum
const both = yManual.add(yAuto);
both.label = "both";
both.backward();

console.log(`manual: s = ${yManual.data.toFixed(6)}, ds/dx = ${xManual.grad.toFixed(6)}`);
console.log(`auto:   s = ${yAuto.data.toFixed(6)}, ds/dx = ${xAuto.grad.toFixed(6)}`);

// ManualGrad next to AutoGrad, the tensor chapter's way: fit y = x² with Linear → Sigmoid → Linear,
// once with every function's forward and backward written by hand (Tensor.manual), once composed
// from ops whose derivatives the engine knows. same start, same steps: the two losses agree at
// every step, and the numeric check of the last step's graph says the hand-written backwards are
// right (it runs their forwards again: trace the script and look at the manual side's leaves).
import { Linear, SGD, Tensor, mse, tensor } from "backprop-stepper";

type Matrix = number[][];
const dot = (a: Matrix, b: Matrix): Matrix => a.map((row) => b[0].map((_, j) => row.reduce((s, x, k) => s + x * b[k][j], 0)));
const T = (a: Matrix): Matrix => a[0].map((_, j) => a.map((row) => row[j]));
const sig = (x: number) => 1 / (1 + Math.exp(-x));

// ManualGrad: forward, and backward from the upstream grad
function sigmoidByHand(x: Tensor): Tensor {
  return Tensor.manual(
    "sigmoid",
    [x],
    (x) => (x as Matrix).map((row) => row.map(sig)),
    (up, x) => [(x as Matrix).map((row, i) => row.map((v, j) => (up as Matrix)[i][j] * sig(v) * (1 - sig(v))))], // s·(1 - s)
  );
}

function linearByHand(x: Tensor, W: Tensor, b: Tensor): Tensor {
  return Tensor.manual(
    "linear",
    [x, W, b],
    (x, W, b) => dot(x as Matrix, W as Matrix).map((row) => row.map((v, j) => v + (b as number[])[j])), // x·W + b
    (dout, x, W) => [
      dot(dout as Matrix, T(W as Matrix)), // dx = dout·Wᵀ
      dot(T(x as Matrix), dout as Matrix), // dW = xᵀ·dout
      T(dout as Matrix).map((col) => col.reduce((s, v) => s + v, 0)), // db = Σ dout over the batch
    ],
  );
}

// AutoGrad: the same layers and sigmoid, as tensor ops
const auto1 = new Linear(1, 8, { seed: 1, weight: "W1", bias: "b1" });
const auto2 = new Linear(8, 1, { seed: 2, weight: "W2", bias: "b2" });
// the hand-written side starts from the same numbers
const W1 = tensor(auto1.W.data, "W1 (manual)");
const b1 = tensor(auto1.b.data, "b1 (manual)");
const W2 = tensor(auto2.W.data, "W2 (manual)");
const b2 = tensor(auto2.b.data, "b2 (manual)");

const xs = Array.from({ length: 10 }, (_, i) => [-1 + (2 * i) / 9]);
const ys = xs.map(([v]) => [v * v]);
const opt = new SGD([...auto1.parameters(), ...auto2.parameters(), W1, b1, W2, b2], { lr: 0.5 });

const STEPS = 150;
for (let step = 1; step <= STEPS; step++) {
  const x = tensor(xs);
  const y = tensor(ys);
  const manual = linearByHand(sigmoidByHand(linearByHand(x, W1, b1)), W2, b2);
  const auto = auto2.forward(auto1.forward(x).sigmoid());
  const manualLoss = mse(manual, y);
  const autoLoss = mse(auto, y);
  // one root, so one backward() pass (and one graph) holds both
  const both = manualLoss.add(autoLoss);
  opt.zeroGrad();
  both.backward();
  opt.step();
  if (step === 1 || step % 50 === 0) {
    console.log(`step ${step}: manual loss ${manualLoss.item().toFixed(8)}, auto loss ${autoLoss.item().toFixed(8)}`);
  }
}

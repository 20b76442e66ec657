// the two-moons training step of engine.bench.ts written with tensors: the same sizes (2 → 16 → 16
// → 1, tanh hidden, linear out), the same 100 points, whole-batch mse and sgd, as three Linear
// layers on one [100, 2] batch. each tensor op makes its elements with the scalar ops, so the
// step makes about as many values as the scalar one; the figure is its time per step beside the
// scalar step's, the two interleaved so that the machine's load falls on both alike.

import {
  Linear,
  SGD,
  Value,
  mse,
  setBackwardListener,
  setRecording,
  tensor,
  twoMoons,
  type BackwardCall,
  type Tensor,
} from "../src/engine";

const data = twoMoons(100, 0.1, 1);
const l1 = new Linear(2, 16, { seed: 42 });
const l2 = new Linear(16, 16, { seed: 43 });
const l3 = new Linear(16, 1, { seed: 44 });
const opt = new SGD([...l1.parameters(), ...l2.parameters(), ...l3.parameters()], { lr: 0.01 });
const targets = data.y.map((y) => [y]);

/** one step: forward on the batch, mse, zero grads, backward, sgd */
export function tensorStep(): Tensor {
  const X = tensor(data.X);
  const out = l3.forward(l2.forward(l1.forward(X).tanh()).tanh());
  const loss = mse(out, targets);
  for (const l of [l1, l2, l3]) l.zeroGrad();
  loss.backward();
  opt.step();
  return loss;
}

/** values made by one tensor step (ids count up) */
export function tensorValuesPerStep(): number {
  const first = new Value(0).id;
  tensorStep();
  return new Value(0).id - first - 1;
}

export interface Versus {
  scalar: number;
  tensor: number;
}

/** median ms per step of each, recording on with a listener (the runner's situation), interleaved */
export function tensorVersusScalar(scalarStep: () => unknown, steps = 60, warmup = 20): Versus {
  let kept: BackwardCall | null = null;
  setBackwardListener((c) => (kept = c));
  setRecording(true);
  for (let i = 0; i < warmup; i++) {
    scalarStep();
    tensorStep();
  }
  const s: number[] = [];
  const t: number[] = [];
  for (let i = 0; i < steps; i++) {
    let t0 = performance.now();
    scalarStep();
    s.push(performance.now() - t0);
    t0 = performance.now();
    tensorStep();
    t.push(performance.now() - t0);
  }
  setBackwardListener(null);
  void kept;
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1];
  return { scalar: median(s), tensor: median(t) };
}

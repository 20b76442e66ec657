// the engine bench's workload as a user's script, for `npm run bench` to run through the product
// (`backprop-stepper run`, as the extension runs it): MLP(2, [16, 16, 1]), 100 two-moons points,
// whole-batch mse, sgd. prints one json line: ms per step (median, p90) with recording on (the
// default) and off, and what capturing a value's creation line costs (the runner does it for a
// run's first 20,000 values).
import { MLP, SGD, Value, mse, setRecording, twoMoons } from "backprop-stepper";

const WARMUP = 30;
const STEPS = Number(process.env.BENCH_STEPS ?? 100);
const PROBE = 20_000;

/** microseconds per value for making PROBE values */
function makeValues(): number {
  const t0 = performance.now();
  let v = new Value(0);
  for (let i = 1; i < PROBE; i++) v = new Value(i);
  return ((performance.now() - t0) * 1000) / PROBE + v.data * 0;
}
// the run's first values get their creation line; later ones do not
const located = makeValues();
const unlocated = makeValues();

const data = twoMoons(100, 0.1, 1);
const model = new MLP(2, [16, 16, 1], { seed: 42 });
const opt = new SGD(model.parameters(), { lr: 0.01 });

function timeSteps(): { median: number; p90: number } {
  const ms: number[] = [];
  for (let i = 0; i < WARMUP + STEPS; i++) {
    const t0 = performance.now();
    const preds = data.X.map((x) => model.forward(x));
    const loss = mse(preds, data.y);
    model.zeroGrad();
    loss.backward();
    opt.step();
    if (i >= WARMUP) ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { median: ms[ms.length >> 1], p90: ms[Math.floor(ms.length * 0.9)] };
}

const on = timeSteps();
setRecording(false);
const off = timeSteps();
setRecording(true);
console.log(JSON.stringify({ on, off, locatedUs: located, unlocatedUs: unlocated, steps: STEPS }));

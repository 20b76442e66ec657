// engine speed and size, printed (not asserted). workload: MLP(2, [16, 16, 1]) (tanh hidden, linear
// out) on 100 two-moons points, whole-batch mse; one training step = forward + zeroGrad + backward
// + sgd update. then the same workload in micrograd-style cpython (bench/micrograd_step.py).
//
//   npm run bench                                  (node --expose-gc out/bench/engine.bench.js for bytes/value)

import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { MLP, SGD, Value, buildTrace, mse, setBackwardListener, setRecording, twoMoons, type BackwardCall } from "../src/engine";

const WARMUP = 30;
const STEPS = 60;

const data = twoMoons(100, 0.1, 1);
const model = new MLP(2, [16, 16, 1], { seed: 42 });
const opt = new SGD(model.parameters(), { lr: 0.01 });

function step(): Value {
  const preds = data.X.map((x) => model.forward(x));
  const loss = mse(preds, data.y);
  model.zeroGrad();
  loss.backward();
  opt.step();
  return loss;
}

/** values created by one step (ids are consecutive) */
function valuesPerStep(): number {
  const first = new Value(0).id;
  step();
  return new Value(0).id - first - 1;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

function timeSteps(recording: boolean): { median: number; p90: number } {
  let last: BackwardCall | null = null;
  setBackwardListener((c) => (last = c)); // the runner's situation: someone is listening
  setRecording(recording);
  for (let i = 0; i < WARMUP; i++) step();
  const ms: number[] = [];
  for (let i = 0; i < STEPS; i++) {
    const t0 = performance.now();
    step();
    ms.push(performance.now() - t0);
  }
  setRecording(true);
  setBackwardListener(null);
  void last;
  ms.sort((a, b) => a - b);
  return { median: percentile(ms, 0.5), p90: percentile(ms, 0.9) };
}

function gc(): boolean {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g === undefined) return false;
  g();
  g();
  return true;
}

/** heap bytes per value of one step's graph, and of the recording of its backward pass */
function bytesPerValue(): { graph: number; recording: number } | null {
  if (!gc()) return null;
  const h0 = process.memoryUsage().heapUsed;
  const first = new Value(0).id;
  const loss = mse(data.X.map((x) => model.forward(x)), data.y);
  const n = new Value(0).id - first - 1;
  gc();
  const h1 = process.memoryUsage().heapUsed;
  let call: BackwardCall | null = null;
  setBackwardListener((c) => (call = c));
  loss.backward();
  setBackwardListener(null);
  gc();
  const h2 = process.memoryUsage().heapUsed;
  void (call as BackwardCall | null)?.root;
  void loss.data;
  return { graph: (h1 - h0) / n, recording: (h2 - h1) / n };
}

function python(): { median_ms: number; values_per_step: number; python: string } | string {
  const script = path.join(__dirname, "..", "..", "bench", "micrograd_step.py");
  try {
    return JSON.parse(execFileSync("python3", [script, "5"], { encoding: "utf8", timeout: 300_000 }).trim().split("\n").pop()!);
  } catch (e) {
    return `skipped (python3 ${e instanceof Error ? e.message.split("\n")[0] : String(e)})`;
  }
}

const fmt = (x: number, d = 2) => x.toFixed(d);

const perStep = valuesPerStep();
const off = timeSteps(false);
const on = timeSteps(true);

// one-off cost of turning a recorded call into the trace json shape
let call: BackwardCall | null = null;
setBackwardListener((c) => (call = c));
step();
setBackwardListener(null);
const t0 = performance.now();
const trace = buildTrace(call!);
const traceMs = performance.now() - t0;

console.log(`workload: MLP(2, [16, 16, 1]), 100 two-moons points, mse, sgd; node ${process.version}`);
console.log(`values per step:        ${perStep}`);
console.log(`recording off:          median ${fmt(off.median)} ms/step, p90 ${fmt(off.p90)} ms  (${fmt(perStep / off.median / 1000, 1)} M values/s)`);
console.log(`recording on:           median ${fmt(on.median)} ms/step, p90 ${fmt(on.p90)} ms  (${fmt(on.median / off.median)}x off)`);
console.log(`buildTrace of one step: ${fmt(traceMs)} ms (${trace.nodes.length} nodes, ${trace.steps.length} steps)`);
const bytes = bytesPerValue();
console.log(bytes === null ? "bytes per value:        run with node --expose-gc to measure" : `bytes per value:        ${fmt(bytes.graph, 0)} (graph), +${fmt(bytes.recording, 0)} while a recorded pass is kept`);

const py = python();
if (typeof py === "string") console.log(`cpython micrograd:      ${py}`);
else {
  console.log(`cpython micrograd:      median ${fmt(py.median_ms, 0)} ms/step (${py.values_per_step} values, python ${py.python})`);
  console.log(`speed-up vs cpython:    ${fmt(py.median_ms / off.median, 0)}x (recording off), ${fmt(py.median_ms / on.median, 0)}x (on)`);
}

// showDecision(model, data): what a two-input model says over the whole input plane, with the data
// points on it: the picture of a classifier's decision boundary a lesson draws after training.
//
// the model is evaluated on a grid (40 × 40 over the data's bounds and a 10% margin), with values
// that stay out of the script's story: made quietly (they do not end the update after a backward(),
// see update.ts), with no creation lines, and never backpropagated. the picture belongs to the
// current backward() call, like a tracked number (track.ts); the runner keeps only the drawn call's,
// so a model with parameters() is not evaluated when showDecision is called: its parameters' data
// are kept, and the grid is worked out from them when the runner asks.

import { Value } from "./value";
import { argmax } from "./reduce";
import { quietly } from "./update";
import { unlocated } from "./origin";
import { recordedForward } from "./recordedForward";
import { currentCall } from "./track";
import type { Decision, DecisionPoint } from "./types";

/** samples along each input */
export const GRID = 40;
/** the plane reaches this share of the data's span beyond it on each side */
export const MARGIN = 0.1;
/** points beyond this many are left off the picture (they still set its bounds) */
export const MAX_POINTS = 5000;

type Output = Value | number | readonly (Value | number)[];

/** a model (forward(x) gives its outputs, as a Module's does) or a function of the two inputs */
export type DecisionModel = { forward(x: number[]): Output; parameters?(): readonly Value[] } | ((x: number[]) => Output);

/** the data shown: a row of two inputs per point, and its label (a Dataset) */
export interface DecisionData {
  X: readonly (readonly (number | Value)[])[];
  y: readonly (number | Value)[];
}

/** hears each showDecision, with the call it belongs to and how to work out its picture */
export type DecisionListener = (call: number, render: () => Decision) => void;

let listener: DecisionListener | null = null;

/** @internal the runner's: null to stop listening */
export function setDecisionListener(fn: DecisionListener | null): void {
  listener = fn;
}

/**
 * shows a two-input model's output over the input plane, with the data points, beside the current
 * backward() call (call it after loss.backward() or after the update; before any backward() it goes
 * with the first). a model of several outputs shows the index of its largest (the class it picks).
 */
export function showDecision(model: DecisionModel, data: DecisionData): void {
  const evaluate = modelFunction(model);
  const points = pointsOf(data);
  if (points.length === 0) throw new Error("showDecision: no data point has two finite inputs");
  if (listener === null) return;
  const params = parametersOf(model);
  if (params === null) {
    // no parameters to keep: the picture is worked out now
    const picture = decisionOf(evaluate, points);
    listener(currentCall(), () => picture);
    return;
  }
  const kept = Float64Array.from(params, (p) => p.data);
  // the library's modules are recorded once and worked out again per point (recordedForward.ts)
  const fast = () => quietly(() => unlocated(() => recordedForward(model, points[0].x, points[0].y)));
  listener(currentCall(), () => withData(params, kept, () => decisionOf(fast() ?? evaluate, points)));
}

/** the picture: the model's output at each grid point, row by row from y0, and the points on it */
export function decisionOf(evaluate: (x: number, y: number) => number, points: readonly DecisionPoint[]): Decision {
  if (points.length === 0) throw new Error("showDecision: no data point has two finite inputs");
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const p of points) {
    x0 = Math.min(x0, p.x);
    x1 = Math.max(x1, p.x);
    y0 = Math.min(y0, p.y);
    y1 = Math.max(y1, p.y);
  }
  [x0, x1] = widen(x0, x1);
  [y0, y1] = widen(y0, y1);
  const nx = GRID;
  const ny = GRID;
  const values: number[] = new Array<number>(nx * ny);
  quietly(() =>
    unlocated(() => {
      for (let j = 0; j < ny; j++) {
        const y = y0 + (j * (y1 - y0)) / (ny - 1);
        for (let i = 0; i < nx; i++) values[j * nx + i] = evaluate(x0 + (i * (x1 - x0)) / (nx - 1), y);
      }
    }),
  );
  return { grid: { x0, x1, y0, y1, nx, ny, values }, points: points.slice(0, MAX_POINTS) };
}

/** the data's span and a margin on each side; a span of 0 gets ±1 */
function widen(lo: number, hi: number): [number, number] {
  const pad = hi > lo ? MARGIN * (hi - lo) : 1;
  return [lo - pad, hi + pad];
}

/** the model as a function of two numbers to one number */
function modelFunction(model: DecisionModel): (x: number, y: number) => number {
  if (typeof model === "function") return (x, y) => scalar(model([x, y]));
  if (model === null || typeof model !== "object" || typeof model.forward !== "function") {
    throw new TypeError("showDecision(model, data) takes a model with forward(x), or a function of [x, y]");
  }
  const nin = (model as { nin?: unknown }).nin;
  if (typeof nin === "number" && nin !== 2) throw new Error(`showDecision draws a model of two inputs; this one takes ${nin}`);
  return (x, y) => scalar(model.forward([x, y]));
}

/** a forward's outputs as one number: a single output's data, or the index of the largest of several */
function scalar(out: Output): number {
  if (typeof out === "number") return out;
  if (out instanceof Value) return out.data;
  if (Array.isArray(out)) {
    const xs = out as readonly (Value | number)[];
    return xs.length === 1 ? scalar(xs[0]) : argmax(xs);
  }
  throw new TypeError("showDecision: the model's forward gave neither a Value, a number nor an array of them");
}

function numberOf(x: unknown): number {
  return x instanceof Value ? x.data : typeof x === "number" ? x : NaN;
}

/** the data's points, with two finite inputs each */
function pointsOf(data: DecisionData): DecisionPoint[] {
  if (data === null || typeof data !== "object" || !Array.isArray(data.X) || !Array.isArray(data.y)) {
    throw new TypeError("showDecision(model, data) takes data as { X: [[x, y], …], y: [label, …] } (a Dataset)");
  }
  if (data.X.length !== data.y.length)
    throw new Error(`showDecision: ${data.X.length} rows in data.X but ${data.y.length} labels in data.y`);
  const points: DecisionPoint[] = [];
  for (let i = 0; i < data.X.length; i++) {
    const row = data.X[i];
    if (!Array.isArray(row) || row.length !== 2) {
      throw new Error(`showDecision draws a model of two inputs: data.X[${i}] has ${Array.isArray(row) ? row.length : "no"} inputs`);
    }
    const x = numberOf(row[0]);
    const y = numberOf(row[1]);
    if (Number.isFinite(x) && Number.isFinite(y)) points.push({ x, y, label: numberOf(data.y[i]) });
  }
  return points;
}

/** the model's parameters, when it has them as Values */
function parametersOf(model: DecisionModel): readonly Value[] | null {
  if (typeof model === "function" || typeof model.parameters !== "function") return null;
  const ps = model.parameters();
  return Array.isArray(ps) && ps.every((p) => p instanceof Value) ? ps : null;
}

/** runs fn with params' data set to `data`, then puts back what they hold now */
function withData<T>(params: readonly Value[], data: Float64Array, fn: () => T): T {
  const now = params.map((p) => p.data);
  params.forEach((p, i) => (p.data = data[i]));
  try {
    return fn();
  } finally {
    params.forEach((p, i) => (p.data = now[i]));
  }
}

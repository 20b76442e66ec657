// ManualGrad for tensors (Tensor.manual): an op whose forward and backward the script writes, as
// the lesson writes sigmoid's (s·(1 - s)) and Linear's (dW = xᵀ·dout, db = Σ dout, dx = dout·Wᵀ).
// it joins the graph as one hand-written scalar op per output element (value.ts manualGrad): its
// children are every input element, its local derivatives what the script's backward gives for
// a one-hot upstream at that element (fine at a lesson's sizes), and its forward the script's
// forward, so the numeric check runs it again and tells whether the backward is right.

import { manualGrad, type Value } from "../value";
import type { Shaped } from "./broadcast";
import { flatten, nest, shapeOf, shapeText, type NestedNumbers, type TensorData } from "./shapes";

/** the op's output from its inputs' data (each nested like its shape) */
export type ManualForward = (...inputs: NestedNumbers[]) => TensorData;
/** each input's grad (shaped like it) from the output's grad and the inputs' data */
export type ManualBackward = (upstream: NestedNumbers, ...inputs: NestedNumbers[]) => readonly TensorData[];

/** at most this many sets of input numbers keep their forward's output (the numeric check asks again for the same ones) */
const CACHE_MAX = 1024;

/** the op's output shape, and the making of its elements (run in the op's group) */
export function manualOp(
  name: string,
  inputs: readonly Shaped[],
  forward: ManualForward,
  backward: ManualBackward,
): { shape: number[]; make: () => Value[] } {
  const where = `Tensor.manual("${name}")`;
  if (typeof forward !== "function" || typeof backward !== "function")
    throw new TypeError(`${where}: forward and backward must be functions`);
  const shapes = inputs.map((t) => t.shape);
  const children = inputs.flatMap((t) => t.values);
  const base = children.map((v) => v.data);
  // fresh arrays for every call: a script's function may change the arrays it is given
  const starts: number[] = [];
  for (let i = 0, at = 0; i < inputs.length; at += inputs[i].values.length, i++) starts.push(at);
  const datas = (xs: readonly number[]) => shapes.map((s, i) => nest(xs, s, starts[i]));

  const outData = forward(...datas(base));
  const shape = shapeOf(outData, `${where}: forward's result`);
  const out = flatten(outData);
  const m = out.length;

  // each output element's local derivatives: the script's backward for a one-hot upstream there
  const locals: number[][] = [];
  for (let k = 0; k < m; k++) {
    const up = new Float64Array(m);
    up[k] = 1;
    const grads = backward(nest(up, shape), ...datas(base));
    if (!Array.isArray(grads) || grads.length !== inputs.length) {
      throw new Error(
        `${where}: backward must return one gradient per input (${inputs.length}), got ${Array.isArray(grads) ? grads.length : typeof grads}`,
      );
    }
    const row = new Array<number>(children.length);
    for (let i = 0; i < inputs.length; i++) {
      const g: unknown = grads[i];
      if (!copied(g, shapes[i], row, starts[i])) {
        const gs = shapeOf(g, `${where}: backward's gradient ${i}`);
        throw new Error(`${where}: backward's gradient ${i} has shape ${shapeText(gs)}, its input has shape ${shapeText(shapes[i])}`);
      }
    }
    locals.push(row);
  }

  // the forward of every element at once, kept per set of input numbers: an element's forward is
  // its place in it, and the elements of one op are asked about the same numbers in turn
  const cache = new Map<string, number[]>();
  const outputs = (xs: readonly number[]): number[] => {
    // the numeric check nudges one input number at a time: that number and its place are the key
    let at = -1;
    let changed = 0;
    for (let j = 0; j < xs.length && changed < 2; j++) {
      if (!Object.is(xs[j], base[j])) {
        at = j;
        changed++;
      }
    }
    const key = changed === 0 ? "" : changed === 1 ? `${at}:${xs[at]}` : xs.join(",");
    let o = cache.get(key);
    if (o === undefined) {
      o = flatten(forward(...datas(xs)));
      if (o.length !== m) throw new Error(`${where}: forward gave ${o.length} numbers for other inputs, ${m} before`);
      if (cache.size >= CACHE_MAX) cache.clear();
      cache.set(key, o);
    }
    return o;
  };
  return { shape, make: () => out.map((x, k) => manualGrad(name, children, x, locals[k], (xs) => outputs(xs)[k])) };
}

/** g's numbers into row from `at` when g is numbers of the shape; false (row half written) when it is not */
function copied(g: unknown, shape: readonly number[], row: number[], at: number): boolean {
  if (shape.length === 0) {
    row[at] = g as number;
    return typeof g === "number";
  }
  if (!Array.isArray(g) || g.length !== shape[0]) return false;
  if (shape.length === 1) {
    for (let j = 0; j < g.length; j++) {
      if (typeof g[j] !== "number") return false;
      row[at + j] = g[j] as number;
    }
    return true;
  }
  const c = shape[1];
  for (let i = 0; i < g.length; i++) {
    const r: unknown = g[i];
    if (!Array.isArray(r) || r.length !== c) return false;
    for (let j = 0; j < c; j++) {
      if (typeof r[j] !== "number") return false;
      row[at + i * c + j] = r[j] as number;
    }
  }
  return true;
}

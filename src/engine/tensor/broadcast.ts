// elementwise ops of two operands with numpy's broadcasting: each output element is one scalar op
// (Value.add, .sub, .mul, .div) of the elements the two operands have at its place, a stretched
// axis reading the same element again. so the chain rule sums a broadcast operand's grad over the
// axes it was stretched along, with no rule of its own.

import type { Value } from "../value";
import { broadcastIndex, broadcastShapes, shapeText } from "./shapes";

/** a tensor's shape and its elements, row-major: all an op reads of its operands */
export interface Shaped {
  readonly shape: readonly number[];
  readonly values: readonly Value[];
}

export type BinaryOp = "add" | "sub" | "mul" | "div";

/** the output's shape, or the user's mistake with both shapes */
export function broadcastShape(op: string, a: readonly number[], b: readonly number[]): number[] {
  const out = broadcastShapes(a, b);
  if (out === null) throw new Error(`${op}: shapes ${shapeText(a)} and ${shapeText(b)} do not broadcast`);
  return out;
}

/** each output element from the two operands' elements at its place */
export function binaryValues(op: BinaryOp, a: Shaped, b: Shaped, out: readonly number[]): Value[] {
  const ia = broadcastIndex(a.shape, out);
  const ib = broadcastIndex(b.shape, out);
  const av = a.values;
  const bv = b.values;
  const n = ia.length;
  const values = new Array<Value>(n);
  // one loop per op, so each calls one method
  switch (op) {
    case "add":
      for (let k = 0; k < n; k++) values[k] = av[ia[k]].add(bv[ib[k]]);
      break;
    case "sub":
      for (let k = 0; k < n; k++) values[k] = av[ia[k]].sub(bv[ib[k]]);
      break;
    case "mul":
      for (let k = 0; k < n; k++) values[k] = av[ia[k]].mul(bv[ib[k]]);
      break;
    case "div":
      for (let k = 0; k < n; k++) values[k] = av[ia[k]].div(bv[ib[k]]);
      break;
  }
  return values;
}

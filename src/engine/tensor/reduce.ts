// sum and mean over every element (shape []) or along one axis, as running sums of Value.add
// (the chain a learner writes, left to right); a mean is that sum divided by the count.

import type { Value } from "../value";
import type { Shaped } from "./broadcast";
import { shapeText } from "./shapes";

/** axis as a non-negative index (-1 is the last), or the user's mistake */
export function checkAxis(op: string, shape: readonly number[], axis: number): number {
  const rank = shape.length;
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new Error(`${op}: axis ${axis} is not an axis of shape ${shapeText(shape)}${rank === 0 ? " (it has none)" : ""}`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** the shape left when `axis` is summed away (undefined: every axis) */
export function reducedShape(shape: readonly number[], axis: number | undefined): number[] {
  return axis === undefined ? [] : shape.filter((_, i) => i !== axis);
}

/** the running sum of xs[at(0)], xs[at(1)], … (count terms) */
function chain(xs: readonly Value[], count: number, at: (p: number) => number): Value {
  let s = xs[at(0)];
  for (let p = 1; p < count; p++) s = s.add(xs[at(p)]);
  return s;
}

/** one sum per output element; divided by the count of its terms for a mean */
export function reduceValues(t: Shaped, axis: number | undefined, mean: boolean): Value[] {
  const xs = t.values;
  const shape = t.shape;
  const finish = (s: Value, count: number) => (mean ? s.div(count) : s);
  if (axis === undefined || shape.length === 1) {
    if (xs.length === 0) throw new Error(`${mean ? "mean" : "sum"}: the tensor of shape ${shapeText(shape)} has no elements`);
    return [
      finish(
        chain(xs, xs.length, (p) => p),
        xs.length,
      ),
    ];
  }
  const [r, c] = shape;
  if (axis === 0)
    return Array.from({ length: c }, (_, j) =>
      finish(
        chain(xs, r, (p) => p * c + j),
        r,
      ),
    );
  return Array.from({ length: r }, (_, i) =>
    finish(
      chain(xs, c, (p) => i * c + p),
      c,
    ),
  );
}

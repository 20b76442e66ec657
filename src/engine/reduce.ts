// sums and means built from "+" nodes, so they show in the graph as the chain a learner would write.
// each makes a group of its own, so a sum of 100 terms folds into one box in the panel.

import { Value, lift } from "./value";
import { inGroup } from "./group";

/** the running sum, each partial sum named for the terms it holds ("sum 1..3") */
function chain(xs: readonly (Value | number)[]): Value {
  if (xs.length === 0) return new Value(0);
  let s = lift(xs[0]);
  for (let i = 1; i < xs.length; i++) {
    s = s.add(xs[i]);
    if (i < xs.length - 1) s.label = `sum 1..${i + 1}`;
  }
  return s;
}

/** xs[0] + xs[1] + …, left to right; 0 for an empty list */
export function sum(xs: readonly (Value | number)[]): Value {
  return inGroup("sum", "sum", () => {
    const s = chain(xs);
    if (s.label === "" && xs.length > 1) s.label = "sum";
    return s;
  });
}

/** sum(xs) / xs.length */
export function mean(xs: readonly (Value | number)[]): Value {
  if (xs.length === 0) throw new Error("mean of an empty list");
  return inGroup("mean", "mean", () => {
    const s = chain(xs);
    if (s.label === "" && xs.length > 1) s.label = "sum";
    const m = s.div(xs.length);
    m.label = "mean";
    return m;
  });
}

/** index of the largest data (first on ties), e.g. the predicted class from a list of scores */
export function argmax(xs: readonly (Value | number)[]): number {
  let best = -1;
  let bestX = -Infinity;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    const d = typeof x === "number" ? x : x.data;
    if (best === -1 || d > bestX) {
      best = i;
      bestX = d;
    }
  }
  return best;
}

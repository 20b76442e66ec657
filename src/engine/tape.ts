// what a recorded backward pass keeps: flat arrays of numbers, filled as the chain rule runs.
// the per-step objects of the trace are built from them only when someone asks.

import type { Node, Tape, TraceStep, TraceUpdate } from "./types";

/** the steps of a pass, in the order backward ran them (reverse topological, nodes with children only) */
export function tapeSteps(order: readonly Node[], tape: Tape): TraceStep[] {
  const steps: TraceStep[] = [];
  let s = 0;
  let e = 0;
  for (let i = order.length - 1; i >= 0; i--) {
    const v = order[i];
    const xs = v.children;
    if (xs.length === 0) continue;
    const up = tape.upstream[s++];
    const updates: TraceUpdate[] = [];
    for (let j = 0; j < xs.length; j++) {
      const before = tape.before[e];
      const local = tape.local[e++];
      // the same arithmetic as the pass did (grad += local * flow), so after is bit-identical to it
      updates.push({ child: xs[j].id, local, before, after: before + local * up });
    }
    steps.push({ node: v.id, upstream: up, updates });
  }
  return steps;
}

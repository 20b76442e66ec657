// what a recorded backward pass keeps: flat arrays of numbers, filled as the chain rule runs.
// the per-step objects of the trace are built from them only when someone asks.

import type { Value } from "./value";
import type { TraceStep, TraceUpdate } from "./trace";

export interface Tape {
  /** grad of order[i] before the pass */
  readonly gradBefore: Float64Array;
  /** grad of order[i] right after the pass (a training loop changes it later) */
  readonly gradAfter: Float64Array;
  /** data of order[i] when the pass ran (an optimizer changes it later) */
  readonly data: Float64Array;
  /** one per step: the node's upstream gradient (its flow) in this pass */
  readonly upstream: Float64Array;
  /** one per update: the child's grad just before the update */
  readonly before: Float64Array;
  /** one per update: the local derivative the update used */
  readonly local: Float64Array;
}

/** the steps of a pass, in the order backward ran them (reverse topological, nodes with children only) */
export function tapeSteps(order: readonly Value[], tape: Tape): TraceStep[] {
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

// what a recorded backward pass keeps: flat arrays of numbers, filled as the chain rule runs.
// the per-step objects of the trace are built from them only when someone asks.

import type { ManualOp, Node, Tape, TraceStep, TraceUpdate } from "./types";
import { CUSTOM } from "./ops";

// leaf positions are gathered in one reused array, then copied at their count; one grown past
// MAX_KEPT by a huge graph is dropped rather than kept for the process's life
let leafScratch = new Int32Array(1024);
const MAX_KEPT = 1 << 20;

/**
 * records one pass over `order` (backward.ts chainRule): step() for each node with children, in
 * the order the pass visits them, and update() for each of its children, before the child's grad
 * changes. arrays are sized up front, so recording allocates nothing per node.
 */
export class TapeWriter {
  private readonly gradBefore: Float64Array;
  private readonly upstream: Float64Array;
  private readonly before: Float64Array;
  private readonly local: Float64Array;
  private readonly leaves: Int32Array;
  private steps = 0;
  private updates = 0;
  /** some grad was not 0 before the pass */
  readonly accumulated: boolean;

  constructor(private readonly order: readonly Node[]) {
    // locals rather than this.* in the loops: v8 reads an object's fields slowly while it is being built
    const n = order.length;
    const gradBefore = new Float64Array(n);
    let steps = 0;
    let updates = 0;
    let accumulated = false;
    // the leaves' positions, so that what happens to them after the pass (an update) is read without a walk over the graph
    if (leafScratch.length < n) leafScratch = new Int32Array(Math.max(n, 2 * leafScratch.length));
    const leaves = leafScratch;
    let nl = 0;
    for (let i = 0; i < n; i++) {
      const v = order[i];
      const g = v.grad;
      gradBefore[i] = g;
      if (g !== 0) accumulated = true;
      const k = arity(v);
      if (k > 0) steps++;
      else leaves[nl++] = i;
      updates += k;
    }
    this.leaves = leaves.slice(0, nl);
    if (leafScratch.length > MAX_KEPT) leafScratch = new Int32Array(1024);
    this.gradBefore = gradBefore;
    this.accumulated = accumulated;
    this.upstream = new Float64Array(steps);
    this.before = new Float64Array(updates);
    this.local = new Float64Array(updates);
  }

  /** a node starts handing out its upstream gradient d(root)/d(node) */
  step(upstream: number): void {
    this.upstream[this.steps++] = upstream;
  }

  /** one child's update: its grad just before, and the local derivative the update uses */
  update(before: number, local: number): void {
    this.before[this.updates] = before;
    this.local[this.updates++] = local;
  }

  /** the tape, once the pass is over: grads and data are copied as they are now */
  finish(): Tape {
    const order = this.order;
    const n = order.length;
    const gradAfter = new Float64Array(n);
    const data = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      gradAfter[i] = order[i].grad;
      data[i] = order[i].data;
    }
    const { gradBefore, leaves, upstream, before, local } = this;
    return { gradBefore, gradAfter, data, leaves, upstream, before, local };
  }
}

/** number of children, without building the children array */
function arity(v: Node): number {
  if (v._code === CUSTOM) return (v._ext as ManualOp).children.length;
  return v._a === null ? 0 : v._b === null ? 1 : 2;
}

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
      // the same arithmetic as the pass did (grad += local * upstream), so after is bit-identical to it
      updates.push({ child: xs[j].id, local, before, after: before + local * up });
    }
    steps.push({ node: v.id, upstream: up, updates });
  }
  return steps;
}

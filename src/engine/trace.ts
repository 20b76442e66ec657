// the trace of one backward() call as plain data: what `trace --json` prints and the panel draws.
// contract: for every update, after = before + local * upstream of its step (and upstream is the
// node's final grad when all grads were zero before the pass).

import type { SourceLoc } from "./value";
import type { BackwardCall } from "./recorder";

export interface TraceUpdate {
  child: number;
  /** d(node)/d(child), recorded at forward time */
  local: number;
  /** child's grad before this update */
  before: number;
  /** before + local * upstream */
  after: number;
}

export interface TraceStep {
  node: number;
  /** d(root)/d(node) within this pass */
  upstream: number;
  /** one per child, in child order (a child used twice appears twice) */
  updates: TraceUpdate[];
}

export interface TraceNode {
  id: number;
  label: string;
  op: string;
  data: number;
  /** grad after the pass */
  grad: number;
  /** grad before the pass; null when the pass was not recorded */
  gradBefore: number | null;
  children: number[];
  /** d(this)/d(child) per child */
  locals: number[];
  module?: string;
  loc?: SourceLoc;
}

export interface Trace {
  /** which backward() call of the process this was (0, 1, …) */
  index: number;
  root: number;
  /** some grad was non-zero before the pass, so grads were added to (backward twice, no zeroGrad) */
  accumulated: boolean;
  /** false when recording was off: no steps, and data/grad are read live rather than from the pass */
  recorded: boolean;
  /** every value reachable from root exactly once, leaves first */
  nodes: TraceNode[];
  /** in the order backward ran them: one per node with children */
  steps: TraceStep[];
}

export function buildTrace(call: BackwardCall): Trace {
  const { order, gradBefore, gradAfter, data } = call;
  const steps = call.steps;
  // a recorded pass knows the locals it used; otherwise they are derived from the data as it is now
  const usedLocals = new Map<number, number[]>();
  if (steps !== null) for (const s of steps) usedLocals.set(s.node, s.updates.map((u) => u.local));
  const nodes: TraceNode[] = [];
  for (let i = 0; i < order.length; i++) {
    const v = order[i];
    const n: TraceNode = {
      id: v.id,
      label: v.label,
      op: v.op,
      data: data === null ? v.data : data[i],
      grad: gradAfter === null ? v.grad : gradAfter[i],
      gradBefore: gradBefore === null ? null : gradBefore[i],
      children: v.children.map((c) => c.id),
      locals: usedLocals.get(v.id) ?? v.locals.slice(),
    };
    if (v.module !== undefined) n.module = v.module;
    if (v.loc !== undefined) n.loc = v.loc;
    nodes.push(n);
  }
  return {
    index: call.index,
    root: call.root.id,
    accumulated: call.accumulated,
    recorded: steps !== null,
    nodes,
    steps: steps ?? [],
  };
}

// what-if: leaves' data changed in the panel, and the graph's forward values and its backward
// pass worked out again from the recorded ops, with the engine's own formulas (evaluator.ts): no
// re-run of the script. a hand-written op (manualGrad) has no formula in the trace: it is
// linearised with its recorded locals, and the result says it is approximate.

import { Evaluator } from "./evaluator";
import type { Trace, TraceNode } from "./trace";

export interface WhatIf {
  trace: Trace;
  /** ids of the values whose data or grad is not what the script's run gave */
  changed: Set<number>;
  /** the change went through a hand-written op, linearised */
  approximate: boolean;
}

/** `trace` with the leaves in `edits` (id -> new data) changed; the trace given is left as it was */
export function whatIf(trace: Trace, edits: ReadonlyMap<number, number>): WhatIf {
  const nodes = trace.nodes;
  const graph = Evaluator.fromTrace(trace);
  const { values, linearized } = graph.forward(edits);
  // the pass again, on top of what the grads held before it (backward twice without zeroGrad)
  const gradBefore = Float64Array.from(nodes, (n) => n.gradBefore ?? 0);
  const { grad, locals, steps } = graph.chainRule(values, { gradBefore, record: true });

  const changed = new Set<number>();
  let leaves = 0;
  const out: TraceNode[] = nodes.map((n, i) => {
    const leaf = graph.isLeaf(i);
    const own = leaf ? n.locals : Array.from(locals.subarray(graph.kidStart[i], graph.kidStart[i + 1]));
    const m: TraceNode = { ...n, data: values[i], grad: grad[i], locals: own };
    // the numeric check belongs to the old values: the panel checks the new ones again
    delete m.numeric;
    delete m.linearized;
    if (leaf) leaves++;
    if (!same(m.data, n.data) || !same(m.grad, n.grad)) changed.add(n.id);
    return m;
  });
  return { trace: { ...trace, nodes: out, steps: steps!, numericPending: leaves }, changed, approximate: linearized };
}

const same = (a: number, b: number) => a === b || (Number.isNaN(a) && Number.isNaN(b));

// what-if: leaves' data changed in the panel, and the graph's forward values and its backward
// pass worked out again from the recorded ops, with the engine's own formulas: no re-run of the
// script. a hand-written op (manualGrad) has no formula in the trace: it is linearised with its
// recorded locals, and the result says it is approximate.

import { CUSTOM, evalOp, localOf } from "./ops";
import type { Trace, TraceNode, TraceStep } from "./trace";
import { opOf } from "./traceOps";

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
  const at = new Map<number, number>();
  nodes.forEach((n, i) => at.set(n.id, i));
  const data = new Float64Array(nodes.length);
  const locals: number[][] = [];
  let approximate = false;

  // forward, leaves first (nodes are in topological order)
  nodes.forEach((n, i) => {
    const ks = n.children.map((c) => at.get(c)!);
    if (ks.length === 0) {
      data[i] = edits.get(n.id) ?? n.data;
      locals.push([]);
      return;
    }
    const { code, k } = opOf(n);
    if (code === CUSTOM) {
      let y = n.data;
      ks.forEach((c, j) => {
        const dx = data[c] - nodes[c].data;
        if (dx !== 0) approximate = true;
        y += n.locals[j] * dx;
      });
      data[i] = y;
      locals.push(n.locals.slice());
      return;
    }
    const x = data[ks[0]];
    const y = ks.length > 1 ? data[ks[1]] : 0;
    data[i] = evalOp(code, x, y, k);
    locals.push(ks.map((_, j) => localOf(code, j, data[i], x, y, k)));
  });

  // backward, in the order the pass ran its steps: each node hands local × its upstream to each child
  const grad = new Map<number, number>();
  const flow = new Map<number, number>();
  for (const n of nodes) grad.set(n.id, n.gradBefore ?? 0);
  grad.set(trace.root, grad.get(trace.root)! + 1);
  flow.set(trace.root, 1);
  const steps: TraceStep[] = trace.steps.map((s) => {
    const i = at.get(s.node)!;
    const upstream = flow.get(s.node) ?? 0;
    const updates = nodes[i].children.map((child, j) => {
      const local = locals[i][j];
      const before = grad.get(child)!;
      const after = before + local * upstream;
      grad.set(child, after);
      flow.set(child, (flow.get(child) ?? 0) + local * upstream);
      return { child, local, before, after };
    });
    return { node: s.node, upstream, updates };
  });

  const changed = new Set<number>();
  let leaves = 0;
  const out: TraceNode[] = nodes.map((n, i) => {
    const m: TraceNode = { ...n, data: data[i], grad: grad.get(n.id)!, locals: locals[i].length ? locals[i] : n.locals };
    // the numeric check belongs to the old values: the panel checks the new ones again
    delete m.numeric;
    delete m.linearized;
    if (n.children.length === 0) leaves++;
    if (!same(m.data, n.data) || !same(m.grad, n.grad)) changed.add(n.id);
    return m;
  });
  return { trace: { ...trace, nodes: out, steps, numericPending: leaves }, changed, approximate };
}

const same = (a: number, b: number) => a === b || (Number.isNaN(a) && Number.isNaN(b));

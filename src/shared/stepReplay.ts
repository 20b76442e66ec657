// a recorded pass's steps, worked out from its nodes: the evaluator's chain rule over them once more
// (evaluator.ts chainRule: the root's upstream 1, then from the root back each value hands each
// child local × upstream), from each node's grad before the pass and with each node's recorded
// locals. tape.ts made the steps with this arithmetic in this order, so the steps need not travel:
// they were more than half of a big trace's columns (traceColumns.ts), and the page and the cli
// work them out again from the nodes.
import { Evaluator } from "../engine/evaluator";
import type { TraceNode, TraceStep, TraceUpdate } from "../engine/types";

/** the pass over `nodes` (topological, root last) once more; null when the nodes are not a recorded pass in that order */
function replay(nodes: readonly TraceNode[]): TraceStep[] | null {
  const n = nodes.length;
  const gradBefore = new Float64Array(n);
  let edges = 0;
  for (let i = 0; i < n; i++) {
    const { gradBefore: g, children, locals } = nodes[i];
    if (g === null || locals.length !== children.length) return null;
    gradBefore[i] = g;
    edges += children.length;
  }
  const graph = Evaluator.fromNodes(nodes);
  const locals = new Float64Array(edges);
  let e = 0;
  for (let i = 0; i < n; i++) {
    const { children, locals: own } = nodes[i];
    const at = graph.children(i);
    for (let j = 0; j < children.length; j++) {
      // each child a node before its parent
      if (!(at[j] < i) || graph.ids[at[j]] !== children[j]) return null;
      locals[e++] = own[j];
    }
  }
  return graph.chainRule(graph.data, { gradBefore, locals, record: true }).steps;
}

/** the steps the nodes' pass ran, worked out from the nodes (a trace whose columns say so, or whose steps stepsFollow) */
export function replaySteps(nodes: readonly TraceNode[]): TraceStep[] {
  const steps = replay(nodes);
  if (steps === null) throw new Error("replaySteps: the nodes are not a recorded pass in topological order");
  return steps;
}

/** the same number, NaN and -0 included */
const same = Object.is;

/** the recorded steps are exactly what replaySteps gives from the nodes: every step, update, number and key */
export function stepsFollow(nodes: readonly TraceNode[], steps: readonly TraceStep[]): boolean {
  if (steps.length === 0) return false;
  const again = replay(nodes);
  if (again === null || again.length !== steps.length) return false;
  const sameUpdate = (u: TraceUpdate, v: TraceUpdate) =>
    u.child === v.child && same(u.local, v.local) && same(u.before, v.before) && same(u.after, v.after);
  return steps.every((s, k) => {
    const r = again[k];
    return (
      s.node === r.node &&
      same(s.upstream, r.upstream) &&
      s.updates.length === r.updates.length &&
      s.updates.every((u, j) => sameUpdate(u, r.updates[j]))
    );
  });
}

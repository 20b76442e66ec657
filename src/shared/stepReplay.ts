// a recorded pass's steps, worked out from its nodes: the chain rule over them once more (the
// root's upstream 1, then from the root back each value hands each child local × upstream, each
// child's grad starting from its gradBefore), with each node's recorded locals. tape.ts made the
// steps with this arithmetic in this order, so when the worker has checked that they agree (bit for
// bit, every field) the steps need not travel: they are more than half of a big trace's columns
// (traceColumns.ts), and the page and the cli work them out again from the nodes.
import type { TraceNode, TraceStep, TraceUpdate } from "../engine/types";

/** the pass worked out again: its steps' nodes (positions) and upstreams, and each update's before and after, in order */
interface Replay {
  /** per step, the position of its node (steps run from the root back, over the nodes with children) */
  stepAt: Int32Array;
  upstream: Float64Array;
  /** per update (a step's children in order, step after step) */
  before: Float64Array;
  after: Float64Array;
}

/** the chain rule over `nodes` (topological, root last); null when the nodes cannot be walked so */
function replay(nodes: readonly TraceNode[]): Replay | null {
  const n = nodes.length;
  const grad = new Float64Array(n);
  let steps = 0;
  let edges = 0;
  for (let i = 0; i < n; i++) {
    const { gradBefore, children, locals } = nodes[i];
    if (gradBefore === null || locals.length !== children.length) return null;
    grad[i] = gradBefore;
    if (children.length > 0) steps++;
    edges += children.length;
  }
  const r: Replay = {
    stepAt: new Int32Array(steps),
    upstream: new Float64Array(steps),
    before: new Float64Array(edges),
    after: new Float64Array(edges),
  };
  if (n === 0) return r;
  const at = positions(nodes);
  const upstream = new Float64Array(n);
  upstream[n - 1] = 1;
  grad[n - 1] += 1;
  let k = 0;
  let e = 0;
  for (let i = n - 1; i >= 0; i--) {
    const { children, locals } = nodes[i];
    if (children.length === 0) continue;
    const up = upstream[i];
    r.stepAt[k] = i;
    r.upstream[k++] = up;
    for (let j = 0; j < children.length; j++) {
      const c = at(children[j]);
      // a child after its parent (or not a node): not a topological order
      if (c < 0 || c >= i) return null;
      const share = locals[j] * up;
      const before = grad[c];
      grad[c] = before + share;
      upstream[c] += share;
      r.before[e] = before;
      r.after[e++] = grad[c];
    }
  }
  return r;
}

/** each node's position by its id (-1: none): an array over the ids' span when it is not much wider than the nodes, else a map */
function positions(nodes: readonly TraceNode[]): (id: number) => number {
  let lo = Infinity;
  let hi = -Infinity;
  for (const { id } of nodes) {
    if (id < lo) lo = id;
    if (id > hi) hi = id;
  }
  if (Number.isInteger(lo) && Number.isInteger(hi) && hi - lo < 16 * nodes.length + 1024) {
    const byId = new Int32Array(hi - lo + 1).fill(-1);
    nodes.forEach((node, i) => (byId[node.id - lo] = i));
    return (id) => (id >= lo && id <= hi && Number.isInteger(id) ? byId[id - lo] : -1);
  }
  const byId = new Map<number, number>();
  nodes.forEach((node, i) => byId.set(node.id, i));
  return (id) => byId.get(id) ?? -1;
}

/** the steps the nodes' pass ran, worked out from the nodes (for a trace whose steps stepsFollow held) */
export function replaySteps(nodes: readonly TraceNode[]): TraceStep[] {
  const r = replay(nodes);
  if (r === null) throw new Error("replaySteps: the nodes are not a recorded pass in topological order");
  const steps: TraceStep[] = new Array(r.stepAt.length);
  let e = 0;
  for (let k = 0; k < steps.length; k++) {
    const { id, children, locals } = nodes[r.stepAt[k]];
    const updates: TraceUpdate[] = new Array(children.length);
    for (let j = 0; j < children.length; j++, e++)
      updates[j] = { child: children[j], local: locals[j], before: r.before[e], after: r.after[e] };
    steps[k] = { node: id, upstream: r.upstream[k], updates };
  }
  return steps;
}

/** the same number, NaN and -0 included */
const same = Object.is;

/** the recorded steps are exactly what replaySteps gives from the nodes: every step, update and number */
export function stepsFollow(nodes: readonly TraceNode[], steps: readonly TraceStep[]): boolean {
  if (steps.length === 0) return false;
  const r = replay(nodes);
  if (r === null || r.stepAt.length !== steps.length) return false;
  let e = 0;
  for (let k = 0; k < steps.length; k++) {
    const { id, children, locals } = nodes[r.stepAt[k]];
    const s = steps[k];
    if (s.node !== id || !same(s.upstream, r.upstream[k]) || s.updates.length !== children.length) return false;
    for (let j = 0; j < children.length; j++, e++) {
      const u = s.updates[j];
      if (u.child !== children[j] || !same(u.local, locals[j]) || !same(u.before, r.before[e]) || !same(u.after, r.after[e])) return false;
    }
  }
  return true;
}

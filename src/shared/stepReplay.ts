// a recorded pass's steps, worked out from its nodes: the chain rule over them once more (the
// root's upstream 1, then from the root back each value hands each child local × upstream, each
// child's grad starting from its gradBefore), with each node's recorded locals. tape.ts made the
// steps with this arithmetic in this order, so when the worker has checked that they agree (bit for
// bit, every field) the steps need not travel: they are more than half of a big trace's columns
// (traceColumns.ts), and the page and the cli work them out again from the nodes.
import type { TraceNode, TraceStep, TraceUpdate } from "../engine/types";

/** hears the walk: a step (node at position i) begins, then each of its updates; false stops the walk */
interface Visit {
  step(i: number, upstream: number): boolean;
  update(child: number, local: number, before: number, after: number): boolean;
}

/** the chain rule over `nodes` (topological, root last); false when a visit stopped it or the nodes cannot be walked so */
function walk(nodes: readonly TraceNode[], visit: Visit): boolean {
  const n = nodes.length;
  const grad = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const g = nodes[i].gradBefore;
    if (g === null) return false;
    grad[i] = g;
  }
  if (n === 0) return true;
  const at = positions(nodes);
  const upstream = new Float64Array(n);
  upstream[n - 1] = 1;
  grad[n - 1] += 1;
  for (let i = n - 1; i >= 0; i--) {
    const { children, locals } = nodes[i];
    if (children.length === 0) continue;
    if (locals.length !== children.length) return false;
    const up = upstream[i];
    if (!visit.step(i, up)) return false;
    for (let j = 0; j < children.length; j++) {
      const c = at(children[j]);
      // a child after its parent (or not a node): not a topological order
      if (c < 0 || c >= i) return false;
      const local = locals[j];
      const share = local * up;
      const before = grad[c];
      grad[c] = before + share;
      upstream[c] += share;
      if (!visit.update(children[j], local, before, grad[c])) return false;
    }
  }
  return true;
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
  const steps: TraceStep[] = [];
  let updates: TraceUpdate[] = [];
  const walked = walk(nodes, {
    step(i, upstream) {
      updates = [];
      steps.push({ node: nodes[i].id, upstream, updates });
      return true;
    },
    update(child, local, before, after) {
      updates.push({ child, local, before, after });
      return true;
    },
  });
  if (!walked) throw new Error("replaySteps: the nodes are not a recorded pass in topological order");
  return steps;
}

/** the same number, NaN and -0 included */
const same = Object.is;

/** the recorded steps are exactly what replaySteps gives from the nodes: every step, update and number */
export function stepsFollow(nodes: readonly TraceNode[], steps: readonly TraceStep[]): boolean {
  if (steps.length === 0) return false;
  let k = -1;
  let u = 0;
  let updates: readonly TraceUpdate[] = [];
  const walked = walk(nodes, {
    step(i, upstream) {
      if (u !== updates.length) return false;
      const s = steps[++k];
      if (s === undefined || s.node !== nodes[i].id || !same(s.upstream, upstream)) return false;
      updates = s.updates;
      u = 0;
      return true;
    },
    update(child, local, before, after) {
      const up = updates[u++];
      return up !== undefined && up.child === child && same(up.local, local) && same(up.before, before) && same(up.after, after);
    },
  });
  return walked && k === steps.length - 1 && u === updates.length;
}

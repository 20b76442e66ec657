// phase two of backward: the chain rule, one node at a time in reverse topological order.
// the same loop computes grads and (when asked) records the steps, so the stepper can never
// show something the engine did not do.

import type { ManualOp, Node, PowExponent, Tape } from "./types";
import { CUSTOM, LEAF, POW, localOf } from "./ops";
import { topoOrder } from "./topo";
import { RecordedCall, currentListener, isRecording, takeCallIndex } from "./recorder";

export interface PassResult {
  /** some value had a non-zero grad before the pass */
  accumulated: boolean;
  tape: Tape | null;
  /** d(root)/d(order[i]) of this pass; a scratch buffer, valid until the next pass */
  flow: Float64Array;
}

const NONE = new Float64Array(0);

// upstream gradients live in one reused buffer, indexed by position in the order, rather than in a
// field of every value: a number field costs each value a 16-byte box, and garbage collection time
let flowBuffer = new Float64Array(1 << 12);
const MAX_KEPT = 1 << 20;

/**
 * grads accumulate like pytorch: each pass adds d(root)/d(v) to v.grad, so two passes without
 * zeroing double every grad. d(root)/d(v) of this pass is kept apart as its flow ("upstream"):
 * root's flow is 1, and each node hands local * flow to each child, into both flow and grad.
 * when every grad starts at zero, grad == flow and this is exactly micrograd.
 */
export function chainRule(root: Node, order: readonly Node[], record: boolean): PassResult {
  const n = order.length;
  if (flowBuffer.length < n && n <= MAX_KEPT) flowBuffer = new Float64Array(Math.min(MAX_KEPT, Math.max(n, 2 * flowBuffer.length)));
  const flow = n <= flowBuffer.length ? flowBuffer : new Float64Array(n); // a huge graph's buffer is not kept
  let accumulated = false;
  let updates = 0;
  let steps = 0;
  for (let i = 0; i < n; i++) {
    const v = order[i];
    v._mark = -1 - i; // where the pass finds v's flow; never equal to a sort's (positive) mark
    flow[i] = 0;
    if (v.grad !== 0) accumulated = true;
    if (record) {
      const k = arity(v);
      updates += k;
      if (k > 0) steps++;
    }
  }
  let gradBefore = NONE;
  let upstream = NONE;
  let before = NONE;
  let local = NONE;
  if (record) {
    gradBefore = new Float64Array(n);
    upstream = new Float64Array(steps);
    before = new Float64Array(updates);
    local = new Float64Array(updates);
    for (let i = 0; i < n; i++) gradBefore[i] = order[i].grad;
  }

  flow[n - 1] = 1; // root is last in the order
  root.grad += 1;
  let s = 0;
  let e = 0;
  for (let i = n - 1; i >= 0; i--) {
    const v = order[i];
    const code = v._code;
    if (code === LEAF) continue;
    const f = flow[i];
    if (code !== CUSTOM) {
      const a = v._a as Node;
      const b = v._b;
      const x = a.data;
      const y = b === null ? 0 : b.data;
      const k = code === POW ? (v._ext as PowExponent).k : 0;
      const la = localOf(code, 0, v.data, x, y, k);
      if (record) {
        upstream[s++] = f;
        local[e] = la;
        before[e++] = a.grad;
      }
      const da = la * f;
      flow[-1 - a._mark] += da;
      a.grad += da;
      if (b !== null) {
        const lb = localOf(code, 1, v.data, x, y, k);
        if (record) {
          local[e] = lb;
          before[e++] = b.grad;
        }
        const db = lb * f;
        flow[-1 - b._mark] += db;
        b.grad += db;
      }
    } else {
      const { children: xs, locals: ls } = v._ext as ManualOp;
      if (xs.length === 0) continue;
      if (record) upstream[s++] = f;
      for (let j = 0; j < xs.length; j++) {
        const c = xs[j];
        if (record) {
          local[e] = ls[j];
          before[e++] = c.grad;
        }
        const d = ls[j] * f;
        flow[-1 - c._mark] += d;
        c.grad += d;
      }
    }
  }
  if (!record) return { accumulated, tape: null, flow };
  const gradAfter = new Float64Array(n);
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    gradAfter[i] = order[i].grad;
    data[i] = order[i].data;
  }
  return { accumulated, tape: { gradBefore, gradAfter, data, upstream, before, local }, flow };
}

/** number of children, without building the children array */
function arity(v: Node): number {
  if (v._code === CUSTOM) return (v._ext as ManualOp).children.length;
  return v._a === null ? 0 : v._b === null ? 1 : 2;
}

/** Value.backward(): sort, run the chain rule, tell the listener. steps are recorded only for a listener */
export function backward(root: Node): void {
  const index = takeCallIndex();
  const listener = currentListener();
  const record = listener !== null && isRecording();
  const order = topoOrder(root);
  const { accumulated, tape } = chainRule(root, order, record);
  if (listener !== null) listener(new RecordedCall(index, root, order, accumulated, tape));
}

// phase two of backward: the chain rule, one node at a time in reverse topological order.
// the same loop computes grads and (when asked) records the steps, so the stepper can never
// show something the engine did not do.

import type { Value } from "./value";
import { LEAF } from "./ops";
import { topoOrder } from "./topo";
import type { Tape } from "./tape";
import { RecordedCall, currentListener, isRecording, takeCallIndex } from "./recorder";

export interface PassResult {
  /** some value had a non-zero grad before the pass */
  accumulated: boolean;
  tape: Tape | null;
}

const NONE = new Float64Array(0);

/**
 * grads accumulate like pytorch: each pass adds d(root)/d(v) to v.grad, so two passes without
 * zeroing double every grad. d(root)/d(v) of this pass is kept apart in v._flow ("upstream"):
 * root's flow is 1, and each node hands local * flow to each child, into both flow and grad.
 * when every grad starts at zero, grad == flow and this is exactly micrograd.
 */
export function chainRule(root: Value, order: readonly Value[], record: boolean): PassResult {
  const n = order.length;
  let accumulated = false;
  let updates = 0;
  let steps = 0;
  for (let i = 0; i < n; i++) {
    const v = order[i];
    v._flow = 0;
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
  if (record) {
    gradBefore = new Float64Array(n);
    upstream = new Float64Array(steps);
    before = new Float64Array(updates);
    for (let i = 0; i < n; i++) gradBefore[i] = order[i].grad;
  }

  root._flow = 1;
  root.grad += 1;
  let s = 0;
  let e = 0;
  for (let i = n - 1; i >= 0; i--) {
    const v = order[i];
    if (v._code === LEAF) continue;
    const f = v._flow;
    const ext = v._ext;
    if (ext === null) {
      const a = v._a as Value;
      if (record) {
        upstream[s++] = f;
        before[e++] = a.grad;
      }
      const da = v._la * f;
      a._flow += da;
      a.grad += da;
      const b = v._b;
      if (b !== null) {
        if (record) before[e++] = b.grad;
        const db = v._lb * f;
        b._flow += db;
        b.grad += db;
      }
    } else {
      const xs = ext.children;
      const ls = ext.locals;
      if (xs.length === 0) continue;
      if (record) upstream[s++] = f;
      for (let j = 0; j < xs.length; j++) {
        const c = xs[j];
        if (record) before[e++] = c.grad;
        const d = ls[j] * f;
        c._flow += d;
        c.grad += d;
      }
    }
  }
  if (!record) return { accumulated, tape: null };
  const gradAfter = new Float64Array(n);
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    gradAfter[i] = order[i].grad;
    data[i] = order[i].data;
  }
  return { accumulated, tape: { gradBefore, gradAfter, data, upstream, before } };
}

/** number of children, without building the children array */
function arity(v: Value): number {
  if (v._ext !== null) return v._ext.children.length;
  return v._a === null ? 0 : v._b === null ? 1 : 2;
}

/** Value.backward(): sort, run the chain rule, tell the listener. steps are recorded only for a listener */
export function backward(root: Value): void {
  const index = takeCallIndex();
  const listener = currentListener();
  const record = listener !== null && isRecording();
  const order = topoOrder(root);
  const { accumulated, tape } = chainRule(root, order, record);
  if (listener !== null) listener(new RecordedCall(index, root, order, accumulated, tape));
}

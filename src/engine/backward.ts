// backward in micrograd's two phases: the values in topological order (topo.ts), then the chain
// rule, one node at a time from the root back to the leaves. a recorded pass keeps the grads before
// and after it and the data it ran on (tape.ts); the steps the stepper shows are this same loop run
// again on those numbers, so it can never show something the engine did not do.
// referenceBackward.ts is the textbook version, short and slow; the unit tests check this one against it.

import type { ManualOp, Node, PowExponent } from "./types";
import { CUSTOM, LEAF, POW, localOf } from "./ops";
import { topoOrderReadingGrads } from "./topo";
import { TapeWriter } from "./tape";
import { RecordedCall, currentListener, isTaping, takeCallIndex } from "./recorder";
import { backwardStarting } from "./update";

/** Value.backward(): sort, run the chain rule, tell the listener. steps are recorded only for a listener */
export function backward(root: Node): void {
  backwardStarting(); // the update after the call before this one is over
  const index = takeCallIndex();
  const listener = currentListener();
  // accumulated: some grad was not 0 before the pass
  const taping = isTaping();
  const { order, gradSeen: accumulated, grads } = topoOrderReadingGrads(root, taping);
  const tape = taping ? new TapeWriter(order, grads) : null;
  chainRule(order, tape);
  if (listener !== null) listener(new RecordedCall(index, root, order, accumulated, tape === null ? null : tape.finish()));
}

// each value's upstream gradient lives in one reused array, at the value's position in the order,
// rather than in a field of every value: v8 boxes a number field in a 16-byte object of its own
let upstreamBuffer = new Float64Array(1 << 12);
const MAX_KEPT = 1 << 20; // a huge graph's array is not kept for the process's life

/**
 * the chain rule over `order` (topological, root last). the root's upstream d(root)/d(root) is 1;
 * then each node, from the root back, hands each child its share:
 *
 *   child.grad += local * upstream      local = d(node)/d(child), upstream = d(root)/d(node)
 *
 * grads accumulate like pytorch: each pass adds d(root)/d(v) to v.grad, so two passes without
 * zeroing double every grad. that is why a pass keeps its own d(root)/d(v) apart, as v's
 * upstream, rather than reading it from v.grad: when every grad starts at 0 the two are equal,
 * and this is exactly micrograd.
 *
 * `order` must be the latest topoOrder() (a value's slot is found by the mark that sort gave it).
 * returns the upstream of each value by its position in the order: scratch, valid until the next pass.
 * tape.ts tapeSteps is this loop again, writing each update down: change both together.
 * a tape (when the pass is recorded) gets each value's grad and data as the pass leaves them: a
 * value's grad is final when the loop reaches it, as every value that sends to it came before.
 */
export function chainRule(order: readonly Node[], tape: TapeWriter | null = null): Float64Array {
  const n = order.length;
  if (upstreamBuffer.length < n && n <= MAX_KEPT)
    upstreamBuffer = new Float64Array(Math.min(MAX_KEPT, Math.max(n, 2 * upstreamBuffer.length)));
  const up = n <= upstreamBuffer.length ? upstreamBuffer : new Float64Array(n);
  up.fill(0, 0, n);
  const base = order[0]._mark; // v sits at up[v._mark - base] (topo.ts numbers the order from base)
  up[n - 1] = 1; // the root is last
  order[n - 1].grad += 1;
  const gradAfter = tape === null ? null : tape.gradAfter;
  const data = tape === null ? null : tape.data;
  for (let i = n - 1; i >= 0; i--) {
    const out = order[i];
    if (gradAfter !== null) {
      gradAfter[i] = out.grad;
      data![i] = out.data;
    }
    const code = out._code;
    if (code === LEAF) continue;
    // complete by now: every value that uses out comes after it in the order, so has sent its share
    const upstream = up[i];
    if (code !== CUSTOM) {
      // a built-in op: one or two children, their locals from the table in ops.ts. each edge is
      // written out here, child.grad += local * upstream and the same into the child's upstream,
      // rather than in a function of its own: v8 did not inline it, and every call boxed its two
      // numbers (2 MB of garbage per moons step, a fifth of what the step allocates)
      const a = out._a as Node;
      const b = out._b;
      const x = a.data;
      const y = b === null ? 0 : b.data;
      const k = code === POW ? (out._ext as PowExponent).k : 0;
      const o = out.data;
      const sa = localOf(code, 0, o, x, y, k) * upstream;
      a.grad += sa;
      up[a._mark - base] += sa;
      if (b !== null) {
        const sb = localOf(code, 1, o, x, y, k) * upstream;
        b.grad += sb;
        up[b._mark - base] += sb;
      }
    } else {
      // a hand-written op (manualGrad): the children and locals it was given
      const { children, locals } = out._ext as ManualOp;
      for (let j = 0; j < children.length; j++) {
        const child = children[j];
        const share = locals[j] * upstream;
        child.grad += share;
        up[child._mark - base] += share;
      }
    }
  }
  return up;
}

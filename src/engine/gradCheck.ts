// a finite-difference check of backward: nudge one leaf up and down, re-run the graph forward
// from its recorded ops, and compare the slope with the grad backward gives.
//
// hand-written ops (manualGrad) have no forward formula unless one was passed to manualGrad.
// without one, the op is linearised with its own recorded locals (out ≈ data + Σ local_i·Δx_i),
// so the check through it agrees by construction and cannot catch a wrong local: such leaves
// are reported with linearized = true.

import type { Value } from "./value";
import { topoOrder } from "./topo";
import { chainRule } from "./backward";
import { Evaluator } from "./evaluator";

export interface GradCheckEntry {
  id: number;
  label: string;
  /**
   * d(root)/d(leaf) at the leaves' current values: a fresh backward pass's, or, when the leaves
   * changed since the graph was built, the chain rule's at the values re-run from them
   */
  analytic: number;
  /**
   * central difference (f(x+h) - f(x-h)) / 2h, with h = eps·max(1, |x|); on a long chain the
   * product of such differences along it (evaluator.ts LeafSlopes)
   */
  numeric: number;
  absError: number;
  /** |analytic - numeric| / max(|analytic|, |numeric|); 0 when both are 0 */
  relError: number;
  /** the difference went through a manualGrad op without a forward formula (see above) */
  linearized: boolean;
}

/**
 * one entry per leaf (value without children) reachable from root, leaves in topological order.
 * the user's grads are left as they were.
 */
export function gradCheck(root: Value, eps = 1e-6): GradCheckEntry[] {
  const order = topoOrder(root);
  const graph = Evaluator.fromOrder(order);

  // the graph forward again from its leaves as they are now: the slopes are taken around these
  const base = graph.forward().values;

  // analytic: on a fresh graph, the engine's own chain rule (a fresh pass, whatever the stored
  // grads were; they are put back afterwards). after an optimizer step the leaves have moved but
  // the values built from them have not, and backward would use locals of stale values: then
  // the grads are taken at the re-run values instead, so the check is of backward, not of stale data
  const stale = order.some((v, i) => !Object.is(v.data, base[i]));
  let analytic: Float64Array;
  if (stale) analytic = graph.chainRule(base).upstream;
  else {
    const saved = Float64Array.from(order, (v) => v.grad);
    analytic = chainRule(order).slice(0, order.length);
    order.forEach((v, i) => (v.grad = saved[i]));
  }

  // each leaf's central difference (linear over a long chain: evaluator.ts LeafSlopes)
  const slopes = graph.slopes(base, eps).finish();
  return slopes.leaves.map((i) => {
    const { numeric, linearized } = slopes.slopeOf(i);
    const a = analytic[i];
    const absError = Math.abs(a - numeric);
    const scale = Math.max(Math.abs(a), Math.abs(numeric));
    return {
      id: order[i].id,
      label: order[i].label,
      analytic: a,
      numeric,
      absError,
      relError: scale === 0 ? (absError === 0 ? 0 : Infinity) : absError / scale,
      linearized,
    };
  });
}

// a finite-difference check of backward: nudge one leaf up and down, re-run the graph forward
// from its recorded ops, and compare the slope with the grad backward gives.
//
// hand-written ops (manualGrad) have no forward formula unless one was passed to manualGrad.
// without one, the op is linearised with its own recorded locals (out ≈ data + Σ local_i·Δx_i),
// so the check through it agrees by construction and cannot catch a wrong local: such leaves
// are reported with linearized = true.

import type { Value } from "./value";
import type { ManualOp, Node, PowExponent } from "./types";
import { CUSTOM, LEAF, POW, evalOp, localOf } from "./ops";
import { topoOrder } from "./topo";
import { chainRule } from "./backward";

export interface GradCheckEntry {
  id: number;
  label: string;
  /**
   * d(root)/d(leaf) at the leaves' current values: a fresh backward pass's, or, when the leaves
   * changed since the graph was built, the chain rule's at the values re-run from them
   */
  analytic: number;
  /** central difference (f(x+h) - f(x-h)) / 2h, with h = eps·max(1, |x|) */
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
  const n = order.length;

  // children as positions in order, for the forward re-runs
  const pos = new Map<Node, number>();
  for (let i = 0; i < n; i++) pos.set(order[i], i);
  const kids: number[][] = order.map((v) => v.children.map((c) => pos.get(c) as number));

  // the graph forward again from its leaves as they are now: the slopes are taken around these
  const base = new Float64Array(n);
  const work = new Float64Array(n);
  const dirty = new Uint8Array(n);
  const flags = { linearized: false };
  for (let i = 0; i < n; i++) base[i] = evalNode(order[i], kids[i], base, flags);

  // analytic: on a fresh graph, the engine's own chain rule (a fresh pass, whatever the stored
  // grads were; they are put back afterwards). after an optimizer step the leaves have moved but
  // the values built from them have not, and backward would use locals of stale values: then
  // the grads are taken at the re-run values instead, so the check is of backward, not of stale data
  const stale = order.some((v, i) => !Object.is(v.data, base[i]));
  let analytic: Float64Array;
  if (stale) analytic = gradsAt(order, kids, base);
  else {
    const saved = Float64Array.from(order, (v) => v.grad);
    analytic = chainRule(order, null).slice(0, n);
    order.forEach((v, i) => (v.grad = saved[i]));
  }
  // only values downstream of the nudged leaf change: they come after it in topological order
  const run = (leaf: number, x: number): number => {
    work.set(base);
    dirty.fill(0);
    work[leaf] = x;
    dirty[leaf] = 1;
    for (let i = leaf + 1; i < n; i++) {
      const ks = kids[i];
      let touched = false;
      for (let j = 0; j < ks.length; j++) if (dirty[ks[j]] === 1) touched = true;
      if (!touched) continue;
      dirty[i] = 1;
      work[i] = evalNode(order[i], ks, work, flags);
    }
    return work[n - 1];
  };

  const out: GradCheckEntry[] = [];
  for (let i = 0; i < n; i++) {
    const v = order[i];
    if (kids[i].length !== 0) continue;
    const x = v.data;
    const h = eps * Math.max(1, Math.abs(x));
    flags.linearized = false;
    const numeric = (run(i, x + h) - run(i, x - h)) / (2 * h);
    const a = analytic[i];
    const absError = Math.abs(a - numeric);
    const scale = Math.max(Math.abs(a), Math.abs(numeric));
    out.push({
      id: v.id,
      label: v.label,
      analytic: a,
      numeric,
      absError,
      relError: scale === 0 ? (absError === 0 ? 0 : Infinity) : absError / scale,
      linearized: flags.linearized,
    });
  }
  return out;
}

/**
 * d(root)/d(v) for every v, by the chain rule with each op's local derivatives at `vals` (which
 * equal the values' data when the graph is fresh; then these are backward()'s grads exactly)
 */
function gradsAt(order: readonly Node[], kids: readonly number[][], vals: Float64Array): Float64Array {
  const n = order.length;
  const up = new Float64Array(n);
  up[n - 1] = 1;
  for (let i = n - 1; i >= 0; i--) {
    const v = order[i];
    const ks = kids[i];
    if (ks.length === 0) continue;
    if (v._code === CUSTOM) {
      const locals = (v._ext as ManualOp).locals;
      for (let j = 0; j < ks.length; j++) up[ks[j]] += locals[j] * up[i];
      continue;
    }
    const k = v._code === POW ? (v._ext as PowExponent).k : 0;
    const y = ks.length > 1 ? vals[ks[1]] : 0;
    for (let j = 0; j < ks.length; j++) up[ks[j]] += localOf(v._code, j, vals[i], vals[ks[0]], y, k) * up[i];
  }
  return up;
}

/** the value of v given its children's values in vals */
function evalNode(v: Node, ks: readonly number[], vals: Float64Array, flags: { linearized: boolean }): number {
  const code = v._code;
  if (code === LEAF) return v.data;
  if (code === CUSTOM) {
    const ext = v._ext as ManualOp;
    if (ks.length === 0) return v.data;
    const xs = ks.map((k) => vals[k]);
    if (ext.forward !== null) return ext.forward(xs);
    let y = v.data;
    for (let j = 0; j < xs.length; j++) {
      const dx = xs[j] - ext.children[j].data;
      if (dx !== 0) flags.linearized = true;
      y += ext.locals[j] * dx;
    }
    return y;
  }
  const x = vals[ks[0]];
  const y = ks.length > 1 ? vals[ks[1]] : 0;
  return evalOp(code, x, y, code === POW ? (v._ext as PowExponent).k : 0);
}

// a finite-difference check of backward: nudge one leaf up and down, re-run the graph forward
// from its recorded ops, and compare the slope with the grad backward gives.
//
// hand-written ops (manualGrad) have no forward formula unless one was passed to manualGrad.
// without one, the op is linearised with its own recorded locals (out ≈ data + Σ local_i·Δx_i),
// so the check through it agrees by construction and cannot catch a wrong local: such leaves
// are reported with linearized = true.

import type { Value } from "./value";
import type { ManualOp, Node, PowExponent } from "./types";
import { CUSTOM, LEAF, POW, evalOp } from "./ops";
import { topoOrder } from "./topo";
import { chainRule } from "./backward";

export interface GradCheckEntry {
  id: number;
  label: string;
  /** d(root)/d(leaf) from a fresh backward pass */
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

  // analytic: a fresh pass gives d(root)/d(v) as each value's upstream whatever the stored grads
  // were; the pass also adds to grads, so they are put back afterwards
  const saved = new Float64Array(n);
  for (let i = 0; i < n; i++) saved[i] = order[i].grad;
  const analytic = chainRule(order, null).slice(0, n);
  for (let i = 0; i < n; i++) order[i].grad = saved[i];

  // children as positions in order, for the forward re-runs
  const pos = new Map<Node, number>();
  for (let i = 0; i < n; i++) pos.set(order[i], i);
  const kids: number[][] = order.map((v) => v.children.map((c) => pos.get(c) as number));

  const base = new Float64Array(n);
  const work = new Float64Array(n);
  const dirty = new Uint8Array(n);
  const flags = { linearized: false };
  for (let i = 0; i < n; i++) base[i] = evalNode(order[i], kids[i], base, flags);

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

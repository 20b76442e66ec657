// the numeric check of one recorded backward pass: for each leaf, the central finite difference
// of the root with respect to it, (f(x+h) - f(x-h)) / 2h, computed on the values of that pass (its
// trace), so an optimizer step after backward() does not disturb it. a nudge re-runs only the
// values downstream of the leaf (evaluator.ts). it works on the trace alone (no Values), so
// the worker checks a small graph before sending it and the panel checks a big one in slices.
//
// a hand-written op (manualGrad) has no formula in the trace: it is linearised with the locals it
// was given (out ≈ data + Σ local_i·Δx_i), so the check agrees through it by construction; such
// leaves are marked linearized.

import { Evaluator, type Nudger } from "./evaluator";
import type { Trace } from "./trace";

/** past this many values the worker leaves the check to the panel (at 65k values the whole check takes ~300 ms) */
const WORKER_CHECK_MAX = 20_000;

export interface NumericResult {
  /** d(root)/d(leaf) by central difference */
  numeric: number;
  /** the difference went through a hand-written op (see above) */
  linearized: boolean;
}

/** how far apart the analytic grad and the numeric one may be before the panel marks the leaf */
export function disagrees(grad: number, numeric: number): boolean {
  if (!Number.isFinite(grad) || !Number.isFinite(numeric)) return Number.isFinite(grad) !== Number.isFinite(numeric);
  const scale = Math.max(Math.abs(grad), Math.abs(numeric));
  return Math.abs(grad - numeric) > 1e-4 * Math.max(1, scale);
}

export class NumericCheck {
  /** per leaf id, once checked */
  readonly results = new Map<number, NumericResult>();
  /** positions of the leaves in the trace's nodes */
  private readonly leaves: number[];
  private readonly nudge: Nudger;
  private next = 0;

  /** `trace.nodes` in topological order (leaves first, root last), as buildTrace makes them */
  constructor(
    private readonly trace: Trace,
    private readonly eps = 1e-6,
  ) {
    const graph = Evaluator.fromTrace(trace);
    this.leaves = graph.leaves();
    // nudges around the pass's own values
    this.nudge = graph.nudger();
  }

  get done(): boolean {
    return this.next >= this.leaves.length;
  }

  get total(): number {
    return this.leaves.length;
  }

  /** checks leaves until `deadline` (a performance.now() time, Infinity for all); true when all are done */
  run(deadline = Infinity): boolean {
    while (this.next < this.leaves.length) {
      const i = this.leaves[this.next++];
      this.results.set(this.trace.nodes[i].id, this.nudge.slope(i, this.eps));
      if ((this.next & 15) === 0 && performance.now() > deadline) break;
    }
    return this.done;
  }
}

/**
 * puts each leaf's numeric check on the trace, as far as `budgetMs` allows (Infinity: all); the
 * leaves left are counted in trace.numericPending, for the panel to finish
 */
export function checkTrace(trace: Trace, budgetMs = Infinity): NumericCheck | undefined {
  if (!trace.recorded || trace.nodes.length === 0) return undefined;
  // a big graph's check is left whole to the panel, which runs it in slices after drawing
  if (budgetMs !== Infinity && trace.nodes.length > WORKER_CHECK_MAX) {
    trace.numericPending = trace.nodes.reduce((k, n) => k + (n.children.length === 0 ? 1 : 0), 0);
    return undefined;
  }
  const check = new NumericCheck(trace);
  check.run(performance.now() + budgetMs);
  applyResults(trace, check);
  return check;
}

/** copies what `check` has found onto the trace's leaves */
export function applyResults(trace: Trace, check: NumericCheck): void {
  for (const node of trace.nodes) {
    const r = check.results.get(node.id);
    if (r === undefined) continue;
    node.numeric = r.numeric;
    if (r.linearized) node.linearized = true;
  }
  if (check.done) delete trace.numericPending;
  else trace.numericPending = check.total - check.results.size;
}

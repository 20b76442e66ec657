// the numeric check of one recorded backward pass: for each leaf, the central finite difference
// of the root with respect to it, computed on the values of that pass (its trace), so an optimizer
// step after backward() does not disturb it. it works on the trace alone (no Values), so the
// worker checks a small graph before sending it, the panel checks a big one in slices after
// drawing it, and the cli finishes one after the run, outside the script's time limit.
//
// the number (evaluator.ts LeafSlopes): on a lesson's graph, (f(x+h) - f(x-h)) / 2h with the root
// f worked out again from the leaf nudged (h = 1e-6·max(1, |x|)). on a long chain (a running sum of
// thousands of terms) the nudge is carried to the root through the chain instead: the product of
// central differences, each of a value with respect to the one before it on every path to the
// root, from the leaf to the root. the same derivative up to terms of order h², from forward
// formulas only, in time linear in the chain's length where the full recomputation is quadratic.
//
// a hand-written op (manualGrad, Tensor.manual) has no formula in the trace. given its forward
// formula, the trace carries that formula's own slopes, worked out by running it again around the
// pass's values (TraceNode.numericLocals): the check goes through the op with those, so a wrong
// hand-written local shows. without one it is linearised with the locals it was given
// (out ≈ data + Σ local_i·Δx_i), so the check agrees through it by construction; such leaves are
// marked linearized.

import { Evaluator, RELAY_DEPTH, type LeafSlopes } from "./evaluator";
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

/** how often a slice looks at the clock: every so many leaves and relays, or values worked out again */
const CLOCK_ITEMS = 16;
const CLOCK_VALUES = 4096;

export class NumericCheck {
  /** per leaf id, once checked */
  readonly results = new Map<number, NumericResult>();
  private readonly graph: Evaluator;
  private readonly walk: LeafSlopes;

  /**
   * `trace.nodes` in topological order (leaves first, root last), as buildTrace makes them.
   * relayDepth: Infinity for the full recomputation of every leaf (tests and the bench compare)
   */
  constructor(
    private readonly trace: Trace,
    eps = 1e-6,
    relayDepth = RELAY_DEPTH,
  ) {
    this.graph = Evaluator.fromTrace(trace, true);
    // nudges around the pass's own values
    this.walk = this.graph.slopes(this.graph.data, eps, relayDepth);
  }

  get done(): boolean {
    return this.walk.done;
  }

  /** the number of leaves */
  get total(): number {
    return this.walk.leaves.length;
  }

  /** values worked out again so far (the check's work; a chain's is linear in its length) */
  get evaluated(): number {
    return this.walk.evaluated;
  }

  /** checks leaves until `deadline` (a performance.now() time, Infinity for all); true when all are done */
  run(deadline = Infinity): boolean {
    const walk = this.walk;
    let items = 0;
    let from = walk.evaluated;
    while (!walk.done) {
      const i = walk.step();
      if (this.graph.isLeaf(i)) this.results.set(this.trace.nodes[i].id, walk.slopeOf(i));
      if (++items < CLOCK_ITEMS && walk.evaluated - from < CLOCK_VALUES) continue;
      if (performance.now() > deadline) break;
      items = 0;
      from = walk.evaluated;
    }
    return this.done;
  }
}

/**
 * puts each leaf's numeric check on the trace, as far as `budgetMs` allows (Infinity: all; 0:
 * none, for whoever gets the trace to finish); the leaves left are counted in trace.numericPending
 */
export function checkTrace(trace: Trace, budgetMs = Infinity): NumericCheck | undefined {
  if (!trace.recorded || trace.nodes.length === 0) return undefined;
  // none now, or a big graph's, which the panel runs in slices after drawing
  if (budgetMs <= 0 || (budgetMs !== Infinity && trace.nodes.length > WORKER_CHECK_MAX)) {
    trace.numericPending = trace.nodes.reduce((k, n) => k + (n.children.length === 0 ? 1 : 0), 0);
    return undefined;
  }
  const check = new NumericCheck(trace);
  check.run(performance.now() + budgetMs);
  applyResults(trace, check);
  return check;
}

/** how far finishCheck got */
export interface CheckProgress {
  /** leaves with a numeric check */
  checked: number;
  /** leaves in all */
  total: number;
}

/**
 * finishes the check of a trace whose leaves are pending (the cli, once the run is over), in
 * slices of `sliceMs` that give way to the event loop between them (a signal, a closed pipe), for
 * at most `budgetMs`; what is left stays counted in trace.numericPending
 */
export async function finishCheck(trace: Trace, budgetMs: number, sliceMs = 50): Promise<CheckProgress> {
  const leaves = trace.nodes.reduce((k, n) => k + (n.children.length === 0 ? 1 : 0), 0);
  if (!trace.numericPending || !trace.recorded) return { checked: leaves - (trace.numericPending ?? 0), total: leaves };
  const end = performance.now() + budgetMs;
  const check = new NumericCheck(trace);
  while (!check.run(Math.min(end, performance.now() + sliceMs)) && performance.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  applyResults(trace, check);
  return { checked: check.results.size, total: check.total };
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

// the numeric check of one recorded backward pass: for each leaf, the central finite difference
// of the root with respect to it, (f(x+h) - f(x-h)) / 2h, computed on the values of that pass (its
// trace), so an optimizer step after backward() does not disturb it. a nudge re-runs only the
// values downstream of the leaf, in topological order. it works on the trace alone (no Values), so
// the worker checks a small graph before sending it and the panel checks a big one in slices.
//
// a hand-written op (manualGrad) has no formula in the trace: it is linearised with the locals it
// was given (out ≈ data + Σ local_i·Δx_i), so the check agrees through it by construction; such
// leaves are marked linearized.

import { evalOp, CUSTOM } from "./ops";
import { opOf } from "./traceOps";
import type { Trace } from "./trace";

/** past this many values the worker leaves the check to the panel (its set-up alone is ~200 ms at 65k) */
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
  private readonly n: number;
  private readonly code: Int8Array;
  private readonly k: Float64Array;
  private readonly kids: Int32Array[];
  private readonly parents: number[][];
  private readonly base: Float64Array;
  private readonly work: Float64Array;
  private readonly locals: number[][];
  private readonly leaves: number[];
  private next = 0;
  private readonly seen: Int32Array;
  private epoch = 0;

  /** `trace.nodes` in topological order (leaves first, root last), as buildTrace makes them */
  constructor(
    private readonly trace: Trace,
    private readonly eps = 1e-6,
  ) {
    const nodes = trace.nodes;
    const n = (this.n = nodes.length);
    const at = new Map<number, number>();
    for (let i = 0; i < n; i++) at.set(nodes[i].id, i);
    this.code = new Int8Array(n);
    this.k = new Float64Array(n);
    this.base = new Float64Array(n);
    this.work = new Float64Array(n);
    this.seen = new Int32Array(n);
    this.kids = [];
    this.parents = nodes.map(() => []);
    this.locals = [];
    this.leaves = [];
    for (let i = 0; i < n; i++) {
      const node = nodes[i];
      const ks = Int32Array.from(node.children, (c) => at.get(c)!);
      this.kids.push(ks);
      this.locals.push(node.locals);
      this.base[i] = node.data;
      // a child used twice (a.mul(a)) is one parent link
      for (let j = 0; j < ks.length; j++) if (ks.indexOf(ks[j]) === j) this.parents[ks[j]].push(i);
      if (ks.length === 0) this.leaves.push(i);
      else {
        const op = opOf(node);
        this.code[i] = op.code;
        this.k[i] = op.k;
      }
    }
    this.work.set(this.base);
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
      this.results.set(this.trace.nodes[i].id, this.check(i));
      if ((this.next & 15) === 0 && performance.now() > deadline) break;
    }
    return this.done;
  }

  private check(leaf: number): NumericResult {
    // the leaf's cone: every value downstream of it, in topological order (positions ascend)
    const mark = ++this.epoch;
    const cone: number[] = [];
    const stack = [leaf];
    this.seen[leaf] = mark;
    while (stack.length) {
      const v = stack.pop()!;
      for (const p of this.parents[v]) {
        if (this.seen[p] === mark) continue;
        this.seen[p] = mark;
        cone.push(p);
        stack.push(p);
      }
    }
    cone.sort((a, b) => a - b);
    const x = this.base[leaf];
    const h = this.eps * Math.max(1, Math.abs(x));
    const flags = { linearized: false };
    const up = this.forward(leaf, x + h, cone, flags);
    const down = this.forward(leaf, x - h, cone, flags);
    return { numeric: (up - down) / (2 * h), linearized: flags.linearized };
  }

  /** the root's value with the leaf set to x */
  private forward(leaf: number, x: number, cone: readonly number[], flags: { linearized: boolean }): number {
    const w = this.work;
    w[leaf] = x;
    for (const i of cone) w[i] = this.evalAt(i, flags);
    const root = this.n - 1;
    const out = this.seen[root] === this.epoch ? w[root] : this.base[root];
    // put the cone back, for the next leaf
    w[leaf] = this.base[leaf];
    for (const i of cone) w[i] = this.base[i];
    return out;
  }

  private evalAt(i: number, flags: { linearized: boolean }): number {
    const ks = this.kids[i];
    const w = this.work;
    const code = this.code[i];
    if (code === CUSTOM) {
      let y = this.base[i];
      const ls = this.locals[i];
      for (let j = 0; j < ks.length; j++) {
        const dx = w[ks[j]] - this.base[ks[j]];
        if (dx !== 0) flags.linearized = true;
        y += ls[j] * dx;
      }
      return y;
    }
    return evalOp(code, w[ks[0]], ks.length > 1 ? w[ks[1]] : 0, this.k[i]);
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

// one evaluator of a recorded graph: its values in topological order (leaves first, root last),
// compiled to flat arrays by position, and the walks over it, each written once:
//
//   forward     every value from the leaves (some leaves changed, for what-if)
//   nudger      the same for one leaf nudged, working out only the values downstream of it (its
//               cone) and putting them back: the numeric check's finite differences
//   chainRule   d(root)/d(v) over the recorded order at given values, and, when asked, the steps
//               as the recorded pass ran them
//
// gradCheck, the numeric check and what-if call it. for what comes later: ids give the order the
// script made the values, and valueAt/localAt each value's formula with its numbers (a forward
// stepper); a value keeps a list of children of any length, so an op over many inputs (a tensor
// op) needs its formulas in ops.ts and a case in valueAt/localAt, not another walk.
//
// a hand-written op (manualGrad) brings its locals and, from live values, maybe a forward formula
// (a trace carries none). without one it is linearised with its recorded locals,
// out ≈ data + Σ local_i·Δx_i, and the walk reports it (linearized): a check through such an op
// agrees by construction.
//
// the engine's own backward (backward.ts) stays apart: it works on live values, adds to their
// grads and records the tape. this one reads a graph that has been recorded.

import { CUSTOM, LEAF, OP_NAMES, POW, evalOp, localOf } from "./ops";
import type { ManualOp, Node, PowExponent, Trace, TraceNode, TraceStep, TraceUpdate } from "./types";

/** what a hand-written op was given */
export interface HandWritten {
  /** d(out)/d(child j), as recorded */
  readonly locals: readonly number[];
  /** its forward formula of the children's values; null when none was given (always, in a trace) */
  readonly forward: ((xs: readonly number[]) => number) | null;
}

/** set when a hand-written op without a forward formula had to be linearised */
export interface Linearized {
  linearized: boolean;
}

export interface Forward {
  /** per position */
  values: Float64Array;
  /** a hand-written op without a forward formula was linearised on the way */
  linearized: boolean;
}

export interface ChainRuleOptions {
  /** each value's grad before the pass (what-if keeps them); zeros when absent */
  gradBefore?: ArrayLike<number>;
  /** also return the steps, as the recorded pass ran them */
  record?: boolean;
}

export interface ChainRule {
  /** per position: d(root)/d(v) in this pass */
  upstream: Float64Array;
  /** per position: gradBefore with this pass's shares added, one update at a time as backward adds them */
  grad: Float64Array;
  /** per edge (kidStart[i] + j): d(v)/d(child j) at the values */
  locals: Float64Array;
  /** in the order the pass runs them (root first), one per value with children; null unless recorded */
  steps: TraceStep[] | null;
}

/** a leaf's d(root)/d(leaf) by central difference */
export interface Slope {
  numeric: number;
  /** the difference went through a hand-written op without a forward formula */
  linearized: boolean;
}

export class Evaluator {
  private constructor(
    /** each value's id (the node id everywhere); ids increase in the order the script made the values */
    readonly ids: Float64Array,
    /** each value's op code (ops.ts): LEAF for a leaf, CUSTOM for a hand-written op */
    readonly codes: Uint8Array,
    /** pow's exponent, 0 for other ops */
    readonly exponents: Float64Array,
    /** the children of position i are kids[kidStart[i]] … kids[kidStart[i + 1] - 1], in order (a child used twice twice) */
    readonly kidStart: Int32Array,
    readonly kids: Int32Array,
    /** each value's data as recorded */
    readonly data: Float64Array,
    /** per position, a hand-written op's record, else null */
    readonly handWritten: readonly (HandWritten | null)[],
  ) {}

  /** a recorded pass: `trace.nodes` in topological order, as buildTrace makes them */
  static fromTrace(trace: Trace): Evaluator {
    const nodes = trace.nodes;
    const n = nodes.length;
    const at = new Map<number, number>();
    let edges = 0;
    for (let i = 0; i < n; i++) {
      at.set(nodes[i].id, i);
      edges += nodes[i].children.length;
    }
    const g = blank(n, edges);
    let e = 0;
    for (let i = 0; i < n; i++) {
      const node = nodes[i];
      g.ids[i] = node.id;
      g.data[i] = node.data;
      g.kidStart[i] = e;
      for (const c of node.children) g.kids[e++] = at.get(c)!;
      const code = codeOf(node);
      g.codes[i] = code;
      if (code === POW) g.exponents[i] = Number(node.op.slice(2));
      else if (code === CUSTOM) g.handWritten[i] = { locals: node.locals, forward: null };
    }
    g.kidStart[n] = e;
    return new Evaluator(g.ids, g.codes, g.exponents, g.kidStart, g.kids, g.data, g.handWritten);
  }

  /** live values: `order` as the latest topoOrder(root) gave it (a value's position is read from its mark) */
  static fromOrder(order: readonly Node[]): Evaluator {
    const n = order.length;
    const base = n === 0 ? 0 : order[0]._mark;
    let edges = 0;
    for (let i = 0; i < n; i++) {
      const v = order[i];
      if (v._mark !== base + i) throw new Error("Evaluator.fromOrder: the order is not the latest topoOrder()");
      edges += v._code === CUSTOM ? (v._ext as ManualOp).children.length : v._a === null ? 0 : v._b === null ? 1 : 2;
    }
    const g = blank(n, edges);
    let e = 0;
    for (let i = 0; i < n; i++) {
      const v = order[i];
      const code = v._code;
      g.ids[i] = v.id;
      g.data[i] = v.data;
      g.codes[i] = code;
      g.kidStart[i] = e;
      if (code === CUSTOM) {
        const op = v._ext as ManualOp;
        g.handWritten[i] = op;
        for (const c of op.children) g.kids[e++] = c._mark - base;
        continue;
      }
      if (v._a !== null) g.kids[e++] = v._a._mark - base;
      if (v._b !== null) g.kids[e++] = v._b._mark - base;
      if (code === POW) g.exponents[i] = (v._ext as PowExponent).k;
    }
    g.kidStart[n] = e;
    return new Evaluator(g.ids, g.codes, g.exponents, g.kidStart, g.kids, g.data, g.handWritten);
  }

  /** the number of values; the root is the last */
  get size(): number {
    return this.ids.length;
  }

  /** a value without children (a hand-written op given none is one too) */
  isLeaf(i: number): boolean {
    return this.kidStart[i] === this.kidStart[i + 1];
  }

  /** the positions of the leaves, in topological order */
  leaves(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.size; i++) if (this.isLeaf(i)) out.push(i);
    return out;
  }

  /** the children's positions of value i, in order */
  children(i: number): Int32Array {
    return this.kids.subarray(this.kidStart[i], this.kidStart[i + 1]);
  }

  /**
   * value i (not a leaf) from its children's values in vals, by its op's forward formula. a
   * hand-written op uses its own, or is linearised around the recorded data (and says so in seen)
   */
  valueAt(i: number, vals: Float64Array, seen: Linearized): number {
    const code = this.codes[i];
    if (code === CUSTOM) return this.handWrittenAt(i, vals, seen);
    const s = this.kidStart[i];
    const kids = this.kids;
    return evalOp(code, vals[kids[s]], this.kidStart[i + 1] - s > 1 ? vals[kids[s + 1]] : 0, this.exponents[i]);
  }

  /** d(value i)/d(its child j) at vals: the op's derivative (ops.ts), or a hand-written op's recorded local */
  localAt(i: number, j: number, vals: Float64Array): number {
    const code = this.codes[i];
    if (code === CUSTOM) return this.handWritten[i]!.locals[j];
    const s = this.kidStart[i];
    const kids = this.kids;
    const y = this.kidStart[i + 1] - s > 1 ? vals[kids[s + 1]] : 0;
    return localOf(code, j, vals[i], vals[kids[s]], y, this.exponents[i]);
  }

  /** every value from the leaves: their recorded data, or for the leaves in `edits` (id -> data) the data given */
  forward(edits?: ReadonlyMap<number, number>): Forward {
    const n = this.size;
    const values = new Float64Array(n);
    const seen = { linearized: false };
    for (let i = 0; i < n; i++) {
      if (!this.isLeaf(i)) values[i] = this.valueAt(i, values, seen);
      else values[i] = edits?.get(this.ids[i]) ?? this.data[i];
    }
    return { values, linearized: seen.linearized };
  }

  /** re-evaluation of one leaf's nudge, around `base` (every value, by position; the recorded data by default) */
  nudger(base: Float64Array = this.data): Nudger {
    return new Nudger(this, base);
  }

  /**
   * the chain rule over the recorded order (backward.ts's, for a recorded graph) with each op's
   * local derivatives at `vals`: the root's upstream is 1, then each value from the root back hands
   * each child local × its upstream. the steps run in reverse topological order, which is the
   * order a recorded pass ran them (tape.ts)
   */
  chainRule(vals: Float64Array, options: ChainRuleOptions = {}): ChainRule {
    const n = this.size;
    const { kidStart, kids, ids } = this;
    const upstream = new Float64Array(n);
    const grad = new Float64Array(n);
    const locals = new Float64Array(kids.length);
    const steps: TraceStep[] | null = options.record ? [] : null;
    if (options.gradBefore !== undefined) grad.set(options.gradBefore);
    if (n === 0) return { upstream, grad, locals, steps };
    upstream[n - 1] = 1;
    grad[n - 1] += 1;
    for (let i = n - 1; i >= 0; i--) {
      const s = kidStart[i];
      const e = kidStart[i + 1];
      if (s === e) continue;
      // complete by now: every value that uses i comes after it, so has sent its share
      const up = upstream[i];
      const updates: TraceUpdate[] | null = steps === null ? null : [];
      for (let p = s; p < e; p++) {
        const c = kids[p];
        const local = this.localAt(i, p - s, vals);
        const share = local * up;
        const before = grad[c];
        locals[p] = local;
        grad[c] = before + share;
        upstream[c] += share;
        if (updates !== null) updates.push({ child: ids[c], local, before, after: grad[c] });
      }
      if (steps !== null) steps.push({ node: ids[i], upstream: up, updates: updates! });
    }
    return { upstream, grad, locals, steps };
  }

  private handWrittenAt(i: number, vals: Float64Array, seen: Linearized): number {
    const op = this.handWritten[i]!;
    const s = this.kidStart[i];
    const e = this.kidStart[i + 1];
    const kids = this.kids;
    if (op.forward !== null) {
      const xs: number[] = [];
      for (let p = s; p < e; p++) xs.push(vals[kids[p]]);
      return op.forward(xs);
    }
    // out ≈ data + Σ local_j·Δx_j, the changes taken from the recorded data
    let y = this.data[i];
    for (let p = s; p < e; p++) {
      const dx = vals[kids[p]] - this.data[kids[p]];
      if (dx !== 0) seen.linearized = true;
      y += op.locals[p - s] * dx;
    }
    return y;
  }
}

/**
 * one leaf nudged, the others as in `base`: only the values downstream of the leaf (its cone) are
 * worked out again, in topological order, and put back afterwards. the same numbers as forward()
 * with that one leaf changed (a unit test holds them equal), in a fraction of the time: a
 * parameter of a big graph's last layer reaches few of its values
 */
export class Nudger {
  /** the values that use position i (each once) are parents[parentStart[i]] … parents[parentStart[i + 1] - 1] */
  private readonly parentStart: Int32Array;
  private readonly parents: Int32Array;
  /** base, with the current cone changed while rootWith runs */
  private readonly work: Float64Array;
  private readonly seen: Int32Array;
  private epoch = 0;
  private readonly stack: Int32Array;
  private readonly coneBuffer: Int32Array;
  private cone: Int32Array;
  private coneLeaf = -1;

  constructor(
    private readonly graph: Evaluator,
    private readonly base: Float64Array,
  ) {
    const { kidStart, kids } = graph;
    const n = graph.size;
    // a child used twice (a.mul(a)) is one parent link
    const count = new Int32Array(n + 1);
    forEachParentLink(kidStart, kids, (_i, c) => count[c + 1]++);
    for (let i = 0; i < n; i++) count[i + 1] += count[i];
    this.parentStart = count.slice();
    this.parents = new Int32Array(count[n]);
    forEachParentLink(kidStart, kids, (i, c) => (this.parents[count[c]++] = i));
    this.work = Float64Array.from(base);
    this.seen = new Int32Array(n);
    this.stack = new Int32Array(n);
    this.coneBuffer = new Int32Array(n);
    this.cone = this.coneBuffer.subarray(0, 0);
  }

  /** d(root)/d(leaf) by central difference, (f(x + h) - f(x - h)) / 2h with h = eps·max(1, |x|), x the leaf's base */
  slope(leaf: number, eps: number): Slope {
    const x = this.base[leaf];
    const h = eps * Math.max(1, Math.abs(x));
    const seen = { linearized: false };
    const up = this.rootWith(leaf, x + h, seen);
    const down = this.rootWith(leaf, x - h, seen);
    return { numeric: (up - down) / (2 * h), linearized: seen.linearized };
  }

  /** the root's value with the leaf at position `leaf` set to x */
  rootWith(leaf: number, x: number, seen: Linearized): number {
    const cone = this.coneOf(leaf);
    const { graph, work, base } = this;
    work[leaf] = x;
    for (let t = 0; t < cone.length; t++) {
      const i = cone[t];
      work[i] = graph.valueAt(i, work, seen);
    }
    const out = work[work.length - 1];
    // put the cone back, for the next nudge
    work[leaf] = base[leaf];
    for (let t = 0; t < cone.length; t++) work[cone[t]] = base[cone[t]];
    return out;
  }

  /** every value downstream of the leaf, in topological order (ascending positions); kept for the next nudge of the same leaf */
  private coneOf(leaf: number): Int32Array {
    if (leaf === this.coneLeaf) return this.cone;
    const { parentStart, parents, seen, stack, coneBuffer } = this;
    const mark = ++this.epoch;
    let sp = 0;
    let m = 0;
    stack[sp++] = leaf;
    seen[leaf] = mark;
    while (sp > 0) {
      const v = stack[--sp];
      for (let p = parentStart[v]; p < parentStart[v + 1]; p++) {
        const u = parents[p];
        if (seen[u] === mark) continue;
        seen[u] = mark;
        coneBuffer[m++] = u;
        stack[sp++] = u;
      }
    }
    this.cone = coneBuffer.subarray(0, m).sort(); // a typed array sorts by number
    this.coneLeaf = leaf;
    return this.cone;
  }
}

/** each (value, child) link once per value, however often the value uses the child */
function forEachParentLink(kidStart: Int32Array, kids: Int32Array, fn: (i: number, child: number) => void): void {
  for (let i = 0; i + 1 < kidStart.length; i++) {
    const s = kidStart[i];
    for (let p = s; p < kidStart[i + 1]; p++) {
      let again = false;
      for (let q = s; q < p; q++) if (kids[q] === kids[p]) again = true;
      if (!again) fn(i, kids[p]);
    }
  }
}

/** a trace node's op as the engine's op code. a hand-written op, or an op name the engine does not know, is CUSTOM */
function codeOf(node: TraceNode): number {
  if (node.custom) return CUSTOM;
  if (node.children.length === 0) return LEAF;
  if (node.op.startsWith("**")) return POW;
  const c = OP_NAMES.indexOf(node.op);
  return c > 0 ? c : CUSTOM;
}

function blank(n: number, edges: number) {
  return {
    ids: new Float64Array(n),
    codes: new Uint8Array(n),
    exponents: new Float64Array(n),
    kidStart: new Int32Array(n + 1),
    kids: new Int32Array(edges),
    data: new Float64Array(n),
    handWritten: new Array<HandWritten | null>(n).fill(null),
  };
}

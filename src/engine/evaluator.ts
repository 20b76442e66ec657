// one evaluator of a recorded graph: its values in topological order (leaves first, root last),
// compiled to flat arrays by position, and the walks over it, each written once:
//
//   forward     every value from the leaves (some leaves changed, for what-if)
//   nudger      the same for one value nudged, working out only the values downstream of it (its
//               cone, or the part of it up to a post-dominator) and putting them back
//   slopes      every leaf's d(root)/d(leaf) by those central differences, carried from the root
//               back through post-dominators (LeafSlopes): the numeric check's and gradCheck's,
//               linear over a chain
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
  /**
   * in a trace, for the numeric check: d(out)/d(child j) by central difference of the op's own
   * forward formula (TraceNode.numericLocals); the op is linearised with these instead of its locals
   */
  readonly numeric?: readonly number[];
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
  /**
   * each edge's local derivative as the pass recorded it (by edge: kidStart[i] + j), used instead
   * of working them out at the values: the recorded pass again, to the bit (stepReplay.ts)
   */
  locals?: ArrayLike<number>;
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

  /**
   * a recorded pass: `trace.nodes` in topological order, as buildTrace makes them. numeric: a
   * hand-written op that was given a forward formula goes forward with the slopes of that formula
   * (the numeric check's), not with its own locals (what-if's, which says it is approximate)
   */
  static fromTrace(trace: Trace, numeric = false): Evaluator {
    return Evaluator.fromNodes(trace.nodes, numeric);
  }

  /** a trace's nodes (fromTrace) */
  static fromNodes(nodes: readonly TraceNode[], numeric = false): Evaluator {
    const n = nodes.length;
    const at = positionsOf(nodes);
    let edges = 0;
    for (let i = 0; i < n; i++) edges += nodes[i].children.length;
    const g = blank(n, edges);
    let e = 0;
    for (let i = 0; i < n; i++) {
      const node = nodes[i];
      g.ids[i] = node.id;
      g.data[i] = node.data;
      g.kidStart[i] = e;
      for (const c of node.children) g.kids[e++] = at(c);
      const code = codeOf(node);
      g.codes[i] = code;
      if (code === POW) g.exponents[i] = Number(node.op.slice(2));
      else if (code === CUSTOM)
        g.handWritten[i] =
          numeric && node.numericLocals !== undefined
            ? { locals: node.locals, forward: null, numeric: node.numericLocals }
            : { locals: node.locals, forward: null };
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
    for (let i = 0; i < n; i++) if (this.isLeaf(i)) values[i] = edits?.get(this.ids[i]) ?? this.data[i];
    return { values, linearized: this.recompute(values) };
  }

  /**
   * every value with children worked out again in `values` (by position), in place, from the
   * leaves' numbers there; true when a hand-written op was linearised. forward() for a caller that
   * changes a few leaves again and again (a picture's grid: the same array, point after point)
   */
  recompute(values: Float64Array): boolean {
    const n = this.size;
    const seen = { linearized: false };
    for (let i = 0; i < n; i++) if (!this.isLeaf(i)) values[i] = this.valueAt(i, values, seen);
    return seen.linearized;
  }

  /** re-evaluation of one leaf's nudge, around `base` (every value, by position; the recorded data by default) */
  nudger(base: Float64Array = this.data): Nudger {
    return new Nudger(this, base);
  }

  /** every leaf's slope by central differences around `base` (the recorded data by default), worked out step by step */
  slopes(base: Float64Array = this.data, eps = 1e-6, relayDepth = RELAY_DEPTH): LeafSlopes {
    return new LeafSlopes(this, base, eps, relayDepth);
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
    const given = options.locals;
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
        const local = given === undefined ? this.localAt(i, p - s, vals) : given[p];
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
    // out ≈ data + Σ local_j·Δx_j, the changes taken from the recorded data; with the slopes of
    // the op's own forward formula when the trace has them, else with its own locals (and said so)
    let y = this.data[i];
    const slopes = op.numeric ?? op.locals;
    for (let p = s; p < e; p++) {
      const dx = vals[kids[p]] - this.data[kids[p]];
      if (dx !== 0 && op.numeric === undefined) seen.linearized = true;
      y += slopes[p - s] * dx;
    }
    return y;
  }
}

/**
 * one value nudged, the others as in `base`: only the values downstream of it (its cone) are
 * worked out again, in topological order, and put back afterwards; or only those up to a given
 * value downstream of it (a post-dominator, see LeafSlopes). the same numbers as forward() with
 * that one leaf changed (a unit test holds them equal), in a fraction of the time: a parameter of
 * a big graph's last layer reaches few of its values
 */
export class Nudger {
  /** the values that use position i (each once) are parents[parentStart[i]] … parents[parentStart[i + 1] - 1] */
  readonly parentStart: Int32Array;
  readonly parents: Int32Array;
  /** base, with the current cone changed while valueWith runs */
  private readonly work: Float64Array;
  private readonly seen: Int32Array;
  private epoch = 0;
  private readonly stack: Int32Array;
  private readonly coneBuffer: Int32Array;
  private cone: Int32Array;
  private coneFrom = -1;
  private coneUpTo = -1;
  /** values worked out again so far (a nudge up and one down count twice) */
  evaluated = 0;

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
    return this.slopeTo(leaf, this.base.length - 1, eps);
  }

  /**
   * d(u)/d(v) by central difference, u the value at position `upTo`, which every path from v to
   * the root goes through (the root itself, or a post-dominator of v): (u(x + h) - u(x - h)) / 2h,
   * h = eps·max(1, |x|), x the base of v. only the values between v and u are worked out
   */
  slopeTo(v: number, upTo: number, eps: number): Slope {
    const x = this.base[v];
    const h = eps * Math.max(1, Math.abs(x));
    const seen = { linearized: false };
    const up = this.valueWith(v, x + h, upTo, seen);
    const down = this.valueWith(v, x - h, upTo, seen);
    return { numeric: (up - down) / (2 * h), linearized: seen.linearized };
  }

  /** the root's value with the leaf at position `leaf` set to x */
  rootWith(leaf: number, x: number, seen: Linearized): number {
    return this.valueWith(leaf, x, this.base.length - 1, seen);
  }

  /**
   * the value at position `upTo` with the value at position v set to x (the values v is made of
   * are not worked out again: v is taken as given). upTo must be v, the root, or a value every path
   * from v to the root goes through: then the values of v's cone up to it are all it depends on
   */
  valueWith(v: number, x: number, upTo: number, seen: Linearized): number {
    const cone = this.coneOf(v, upTo);
    const { graph, work, base } = this;
    work[v] = x;
    for (let t = 0; t < cone.length; t++) {
      const i = cone[t];
      work[i] = graph.valueAt(i, work, seen);
    }
    this.evaluated += cone.length;
    const out = work[upTo];
    // put the cone back, for the next nudge
    work[v] = base[v];
    for (let t = 0; t < cone.length; t++) work[cone[t]] = base[cone[t]];
    return out;
  }

  /**
   * the values downstream of v up to position upTo, in topological order (ascending positions);
   * kept for the next nudge of the same value. a value past upTo is not followed: when upTo is a
   * post-dominator of v, every value of v's cone before it leads to it, and every one after it
   * comes from it, so the walk stops there instead of running to the root
   */
  private coneOf(v: number, upTo: number): Int32Array {
    if (v === this.coneFrom && upTo === this.coneUpTo) return this.cone;
    const { parentStart, parents, seen, stack, coneBuffer } = this;
    const mark = ++this.epoch;
    let sp = 0;
    let m = 0;
    stack[sp++] = v;
    seen[v] = mark;
    while (sp > 0) {
      const w = stack[--sp];
      for (let p = parentStart[w]; p < parentStart[w + 1]; p++) {
        const u = parents[p];
        if (u > upTo || seen[u] === mark) continue;
        seen[u] = mark;
        coneBuffer[m++] = u;
        stack[sp++] = u;
      }
    }
    this.cone = coneBuffer.subarray(0, m).sort(); // a typed array sorts by number
    this.coneFrom = v;
    this.coneUpTo = upTo;
    return this.cone;
  }
}

/**
 * a leaf deeper than this in the post-dominator tree (see LeafSlopes) has its slope carried to
 * the root through relays; a shallower one has the root recomputed. a lesson's graph, an MLP on a
 * hundred samples included, is far shallower, so its numbers are those of the full recomputation
 */
export const RELAY_DEPTH = 256;

/**
 * every leaf's d(root)/d(leaf) by central differences, in time linear in a chain's length (the
 * full recomputation, the root worked out again for each leaf, is quadratic in it: a leaf early in
 * a 15,000-term running sum reaches every partial sum after it).
 *
 * what the number is. a value d post-dominates v when every path from v to the root goes through
 * d; then the root depends on v only through d, and d(root)/d(v) = d(root)/d(d) · d(d)/d(v). on a
 * chain (a running sum, a value made from the one before) each value's nearest post-dominator is
 * the next link. a leaf v no deeper than RELAY_DEPTH in the post-dominator tree (the number of
 * post-dominators between it and the root) gets the full recomputation, today's number exactly:
 *
 *     (root(v + h) - root(v - h)) / 2h
 *
 * a deeper leaf gets S(d) · (d(v + h) - d(v - h)) / 2h, d its nearest post-dominator, where S is
 * worked out from the root back for every "relay" r on such a leaf's chain of post-dominators:
 *
 *     S(root) = 1,   S(r) = S(d) · (d(r + h) - d(r - h)) / 2h,   d = r's nearest post-dominator
 *
 * so the leaf's number is the product of the central differences along its chain of
 * post-dominators, from the leaf to the root. each factor is a central difference of the recorded
 * forward formulas (h = eps·max(1, |x|) at that value; the values between it and d worked out
 * again, fan-out and fan-in included); no local derivative and no grad is read. it equals the
 * root's central difference up to terms of order h² and rounding, so it still catches a wrong
 * local derivative or a wrong grad anywhere upstream of the mistake. over a long chain it is the
 * more accurate of the two: each difference is of one link, where the root's difference is lost
 * in the rounding of a long sum (or of a product that vanishes along the chain).
 *
 * cost: each leaf and relay works out the values between it and the value it carries to: on a
 * chain one or two, on an MLP's weights (whose paths part until the loss) the whole cone, as
 * before. a region between a value and its nearest post-dominator that is long and not a chain
 * (two chains feeding each other) stays quadratic: the check's budget is for that.
 */
export class LeafSlopes {
  /** the positions of the leaves, in topological order */
  readonly leaves: number[];
  private readonly nudge: Nudger;
  /** per position: the value its slope is carried to (a relay's or a deep leaf's nearest post-dominator; the root for a shallow leaf) */
  private readonly target: Int32Array;
  /** per position, once worked out: d(root)/d(v), and whether the differences went through a linearised op */
  private readonly slope: Float64Array;
  private readonly linear: Uint8Array;
  /** the relays and leaves to work out, root side first (descending positions): each needs only slopes after it */
  private readonly todo: Int32Array;
  private next = 0;

  constructor(
    graph: Evaluator,
    base: Float64Array = graph.data,
    private readonly eps = 1e-6,
    relayDepth = RELAY_DEPTH,
  ) {
    const n = graph.size;
    const root = n - 1;
    this.leaves = graph.leaves();
    this.nudge = new Nudger(graph, base);
    const pdom = postDominators(n, this.nudge.parentStart, this.nudge.parents);
    this.target = new Int32Array(n);
    for (let i = 0; i < n; i++) this.target[i] = graph.isLeaf(i) && pdom.depth[i] <= relayDepth ? root : pdom.next[i];
    this.slope = new Float64Array(n);
    this.linear = new Uint8Array(n);
    if (n > 0) this.slope[root] = 1;
    // the relays some leaf's slope goes through, each marked once
    const wanted = new Uint8Array(n);
    for (const leaf of this.leaves) {
      wanted[leaf] = 1;
      for (let r = this.target[leaf]; r !== root && wanted[r] === 0; r = this.target[r]) wanted[r] = 1;
    }
    let count = 0;
    for (let i = 0; i < n; i++) count += wanted[i];
    this.todo = new Int32Array(count);
    for (let i = n - 1, k = 0; i >= 0; i--) if (wanted[i] === 1) this.todo[k++] = i;
  }

  get done(): boolean {
    return this.next >= this.todo.length;
  }

  /** values worked out again so far: the work the check has done */
  get evaluated(): number {
    return this.nudge.evaluated;
  }

  /** works out the next relay or leaf; returns its position (-1 when done) */
  step(): number {
    if (this.done) return -1;
    const v = this.todo[this.next++];
    const d = this.target[v];
    const own = this.nudge.slopeTo(v, d, this.eps);
    // times the root's 1: the full recomputation's number, bit for bit
    this.slope[v] = own.numeric * this.slope[d];
    this.linear[v] = own.linearized || this.linear[d] === 1 ? 1 : 0;
    return v;
  }

  /** every one still to do */
  finish(): this {
    while (!this.done) this.step();
    return this;
  }

  /** d(root)/d(v) of a leaf (or relay) already worked out */
  slopeOf(v: number): Slope {
    return { numeric: this.slope[v], linearized: this.linear[v] === 1 };
  }
}

/** at most this many steps, per value, to find the nearest post-dominators: past it the root stands in (see below) */
const POST_DOMINATOR_STEPS = 16;

/**
 * each value's nearest post-dominator (next; the root's is itself) and its depth under the root in
 * the post-dominator tree, from the root back (Cooper, Harvey and Kennedy's intersection, on a
 * graph with no cycles: one pass). a value used once is post-dominated by its user; one used by
 * several, by the first value on every user's own chain of post-dominators. a hostile graph could
 * make those chains long and the pass quadratic: past a budget of steps, the root (which
 * post-dominates everything) stands in, which is always right and only gives up speed
 */
function postDominators(n: number, parentStart: Int32Array, parents: Int32Array): { next: Int32Array; depth: Int32Array } {
  const next = new Int32Array(n);
  const depth = new Int32Array(n);
  if (n === 0) return { next, depth };
  const root = n - 1;
  next[root] = root;
  let budget = POST_DOMINATOR_STEPS * n;
  for (let i = root - 1; i >= 0; i--) {
    const s = parentStart[i];
    const e = parentStart[i + 1];
    // a value the root does not reach (not in a recorded order): the root stands in
    let d = s < e ? parents[s] : root;
    for (let p = s + 1; p < e && d !== root; p++) {
      let a = d;
      let b = parents[p];
      // post-dominators come after what they post-dominate: walk the earlier one on until they meet
      while (a !== b) {
        if (--budget < 0) a = b = root;
        else if (a < b) a = next[a];
        else b = next[b];
      }
      d = a;
    }
    next[i] = d;
    depth[i] = depth[d] + 1;
  }
  return { next, depth };
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

/**
 * each node's position by its id: a flat table when the ids are close together (they count up
 * from the graph's first value; a Map of 75,000 ids took most of the evaluator's making), else a Map
 */
function positionsOf(nodes: readonly TraceNode[]): (id: number) => number {
  const n = nodes.length;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    lo = Math.min(lo, nodes[i].id);
    hi = Math.max(hi, nodes[i].id);
  }
  if (n > 0 && Number.isSafeInteger(lo) && Number.isSafeInteger(hi) && hi - lo < 8 * n + 1024) {
    const table = new Int32Array(hi - lo + 1);
    for (let i = 0; i < n; i++) table[nodes[i].id - lo] = i;
    return (id) => table[id - lo];
  }
  const at = new Map<number, number>();
  for (let i = 0; i < n; i++) at.set(nodes[i].id, i);
  return (id) => at.get(id)!;
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

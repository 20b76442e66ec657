// what a recorded backward pass keeps: flat arrays of numbers, the grads before and after the pass
// and the data it ran on. the per-step objects of the trace are built from them only when someone
// asks, by running the chain rule again over those numbers (the same arithmetic in the same order,
// so every number is the pass's own, bit for bit): the pass itself records nothing per edge.

import type { ManualOp, Node, PowExponent, Tape, TraceStep, TraceUpdate } from "./types";
import { CUSTOM, POW, localOf } from "./ops";
import type { SortedGrads } from "./topo";

// leaf positions are gathered in one reused array, then copied at their count; one grown past
// MAX_KEPT by a huge graph is dropped rather than kept for the process's life
let leafScratch = new Int32Array(1024);
const MAX_KEPT = 1 << 20;

// the arrays of a tape handed back (handBackTape) serve the next pass of their size: a training
// loop's passes are all one size, and three new arrays of 65,000 numbers a pass were fresh memory
// for the system to give and the garbage collector to sweep (the moons loop as the extension runs
// it, 453 -> 396 ms for 20 steps, medians of 14 interleaved runs). one tape's arrays at most
let handedBack: Float64Array[] = [];

/** an array of n numbers, one handed back when one has that size: its caller writes every slot before any is read */
function numbers(n: number): Float64Array {
  for (let i = 0; i < handedBack.length; i++) {
    const a = handedBack[i];
    if (a.length === n) {
      handedBack.splice(i, 1);
      return a;
    }
  }
  return new Float64Array(n);
}

/** @internal a tape no one reads again (its call's, recorder.ts releaseCall): its arrays serve the next pass of its size */
export function handBackTape(tape: Tape): void {
  handedBack = [tape.gradBefore, tape.gradAfter, tape.data];
}

/**
 * records one pass over `order` (backward.ts chainRule): made before the pass (the grads it starts
 * from), filled by it (the grads it leaves and the data it used). three numbers per value.
 * `sorted`: the grads before the pass and the leaves as the sort read them (topo.ts), else read here
 */
export class TapeWriter {
  private readonly gradBefore: Float64Array;
  private readonly leaves: Int32Array;
  /** grad of order[i] once the pass is over; the pass writes it */
  readonly gradAfter: Float64Array;
  /** data of order[i] in the pass; the pass writes it */
  readonly data: Float64Array;

  constructor(order: readonly Node[], sorted: SortedGrads | null = null) {
    const n = order.length;
    if (sorted !== null) {
      const gradBefore = numbers(n);
      gradBefore.set(sorted.before);
      this.gradBefore = gradBefore;
      this.leaves = sorted.leaves;
    } else {
      // locals rather than this.* in the loops: v8 reads an object's fields slowly while it is being built
      const gradBefore = numbers(n);
      // the leaves' positions, so that what happens to them after the pass (an update) is read without a walk over the graph
      if (leafScratch.length < n) leafScratch = new Int32Array(Math.max(n, 2 * leafScratch.length));
      const leaves = leafScratch;
      let nl = 0;
      for (let i = 0; i < n; i++) {
        const v = order[i];
        gradBefore[i] = v.grad;
        if (arity(v) === 0) leaves[nl++] = i;
      }
      this.leaves = leaves.slice(0, nl);
      if (leafScratch.length > MAX_KEPT) leafScratch = new Int32Array(1024);
      this.gradBefore = gradBefore;
    }
    // the pass writes both at every position (backward.ts chainRule)
    this.gradAfter = numbers(n);
    this.data = numbers(n);
  }

  /** the tape, once the pass is over */
  finish(): Tape {
    const { gradBefore, gradAfter, data, leaves } = this;
    return { gradBefore, gradAfter, data, leaves };
  }
}

/** number of children, without building the children array */
function arity(v: Node): number {
  if (v._code === CUSTOM) return (v._ext as ManualOp).children.length;
  return v._a === null ? 0 : v._b === null ? 1 : 2;
}

/**
 * the steps of a pass, in the order backward ran them (reverse topological, nodes with children
 * only): backward.ts chainRule once more, on the tape's numbers instead of the live values, with
 * each update written down. the pass added each share to the child's grad and to its upstream in
 * this order, so `before`, `local`, `upstream` and `after` are the numbers the pass had.
 */
export function tapeSteps(order: readonly Node[], tape: Tape): TraceStep[] {
  const n = order.length;
  const data = tape.data;
  const grad = tape.gradBefore.slice();
  const up = new Float64Array(n);
  const at = positionsOf(order);
  const steps: TraceStep[] = [];
  if (n === 0) return steps;
  up[n - 1] = 1;
  grad[n - 1] += 1;
  for (let i = n - 1; i >= 0; i--) {
    const v = order[i];
    if (arity(v) === 0) continue;
    const upstream = up[i];
    const children = v._code === CUSTOM ? (v._ext as ManualOp).children : v._b === null ? [v._a as Node] : [v._a as Node, v._b];
    const locals = localsAt(v, i, data, at);
    const updates: TraceUpdate[] = [];
    for (let j = 0; j < children.length; j++) {
      const c = at.get(children[j])!;
      const local = locals[j];
      const before = grad[c];
      const share = local * upstream;
      grad[c] += share;
      up[c] += share;
      // the same arithmetic as the pass did (grad += local * upstream), so after is bit-identical to it
      updates.push({ child: children[j].id, local, before, after: before + local * upstream });
    }
    steps.push({ node: v.id, upstream, updates });
  }
  return steps;
}

/**
 * each value's locals as the pass used them: d(v)/d(child) per child at the pass's data (a
 * hand-written op's own), the numbers tapeSteps writes in its updates, without the steps
 */
export function tapeLocals(order: readonly Node[], tape: Tape): number[][] {
  const at = positionsOf(order);
  return order.map((v, i) => localsAt(v, i, tape.data, at));
}

function positionsOf(order: readonly Node[]): Map<Node, number> {
  const at = new Map<Node, number>();
  for (let i = 0; i < order.length; i++) at.set(order[i], i);
  return at;
}

/** v's locals at the pass's data (v at position i; `at` gives its children's positions) */
function localsAt(v: Node, i: number, data: Float64Array, at: ReadonlyMap<Node, number>): number[] {
  const code = v._code;
  if (code === CUSTOM) return (v._ext as ManualOp).locals.slice();
  const a = v._a;
  if (a === null) return [];
  const b = v._b;
  const x = data[at.get(a)!];
  const y = b === null ? 0 : data[at.get(b)!];
  const k = code === POW ? (v._ext as PowExponent).k : 0;
  const la = localOf(code, 0, data[i], x, y, k);
  return b === null ? [la] : [la, localOf(code, 1, data[i], x, y, k)];
}

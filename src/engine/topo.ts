// phase one of backward: every value reachable from root, children before parents.
// iterative with an explicit stack (a million-node chain would overflow recursion), and an
// integer mark per value instead of a Set (no hashing, no per-sort allocation per node).
//
// the mark says where a value stands in the latest sort that reached it: each sort numbers from a
// fresh base, above every mark an earlier sort gave, and a value placed at position i gets base + i
// (base - 1 while it waits on the stack). so a mark below base - 1 is an earlier sort's: not visited
// yet in this one. after the sort, v._mark - order[0]._mark is v's position, which the chain rule
// uses to find v's slot in an array.

import type { ManualOp, Node } from "./types";
import { CUSTOM } from "./ops";
import { tensorOpsMade } from "./group";

// the next sort's base. marks stay small integers (v8's fast kind) until 2^31 values have been
// sorted in one process; past that they are still exact, just slower
let nextBase = 2;

// the order is made at the size of the sort before, then trimmed or grown to fit: a training loop
// sorts a graph of one size step after step, and pushing onto an empty array reallocated and
// copied it over and over as it grew (at 65,000 values, through v8's pages for large objects).
// the first sort's too (new Array(0)): an order of one kind of array from the first sort on, or v8
// throws away the sort and the chain rule compiled in a loop's first step when the second's differs
// (the moons loop's steps 2 and 3: ~190 -> ~135 ms for the first three)
let sizeHint = 0;

/**
 * values reachable from root in topological order: leaves first, root last, each exactly once.
 * they are all of root's own kind (a Value's children are Values)
 */
export function topoOrder<V extends Node>(root: V): V[] {
  return sort(root, false, false).order as V[];
}

/** @internal what backward()'s sort reads for the pass's tape as it places each value: its grad, and whether it is a leaf */
export interface SortedGrads {
  /** grad of order[i] before the pass: a view of the sort's own array, valid until the next sort */
  readonly before: Float64Array;
  /** the positions in the order of the values with no children, ascending */
  readonly leaves: Int32Array;
}

/**
 * @internal backward()'s sort: root's topological order, and whether some value's grad was not 0,
 * read as each value is placed (rather than in a walk over the graph of its own, which cost a
 * training step as much again). `taping`: each value's grad and the leaves' places too, for the
 * pass's tape (tape.ts), which walked the graph again for them (a traced moons step ~0.7 ms
 * shorter, of ~14: medians of 8 interleaved runs); null when the order is a tensor graph's, put
 * in creation order after the sort
 */
export function topoOrderReadingGrads(root: Node, taping = false): { order: Node[]; gradSeen: boolean; grads: SortedGrads | null } {
  return sort(root, true, taping);
}

// the numbers a taped sort reads, in arrays kept from one sort to the next (a huge graph's are not
// kept past MAX_KEPT values); the tape copies them
let gradScratch = new Float64Array(1024);
let leafScratch = new Int32Array(1024);
const MAX_KEPT = 1 << 20;

/** a's numbers in an array twice as long */
function grown<A extends Float64Array | Int32Array>(a: A): A {
  const b = new (a.constructor as new (n: number) => A)(2 * a.length);
  b.set(a);
  return b;
}

/** topoOrder; with `grads`, whether some value's grad is not 0 (else false); with `taping`, the tape's numbers */
function sort(root: Node, grads: boolean, taping: boolean): { order: Node[]; gradSeen: boolean; grads: SortedGrads | null } {
  const base = nextBase;
  const onPath = base - 1; // visited, not yet placed: on the stack
  const order: Node[] = new Array<Node>(sizeHint);
  let n = 0;
  let gradSeen = false;
  let before = gradScratch;
  let leaves = leafScratch;
  let nl = 0;
  // depth-first, post-order, children in their recorded order (the order micrograd's build_topo
  // gives). the stack is the path from root: a node goes down into its first unvisited child and
  // is emitted once it has none. a visited child is always finished already, as a graph of values
  // has no cycles, so no per-node "next child" index is needed. the stack is a new array each
  // sort, as short as the graph is deep: one kept between sorts would be in the old generation, and
  // v8 records every young value pushed onto an old array for the next scavenge (~10% of a sort)
  const st: Node[] = [root];
  let sp = 1;
  root._mark = onPath;
  while (sp > 0) {
    const v = st[sp - 1] as Node;
    let c: Node | null = null;
    if (v._code !== CUSTOM) {
      const a = v._a;
      if (a !== null && a._mark < onPath) c = a;
      else {
        const b = v._b;
        if (b !== null && b._mark < onPath) c = b;
      }
    } else {
      const xs = (v._ext as ManualOp).children;
      for (let j = 0; j < xs.length; j++) {
        if (xs[j]._mark < onPath) {
          c = xs[j];
          break;
        }
      }
    }
    if (c === null) {
      sp--;
      v._mark = base + n;
      if (taping) {
        if (n === before.length) before = grown(before);
        const g = v.grad;
        before[n] = g;
        if (g !== 0) gradSeen = true;
        if (v._code !== CUSTOM ? v._a === null : (v._ext as ManualOp).children.length === 0) {
          if (nl === leaves.length) leaves = grown(leaves);
          leaves[nl++] = n;
        }
      } else if (grads && !gradSeen && v.grad !== 0) gradSeen = true;
      order[n++] = v;
    } else {
      c._mark = onPath;
      st[sp++] = c;
    }
  }
  if (n < order.length) order.length = n;
  nextBase = base + n + 1;
  sizeHint = n;
  const reordered = madeByTensorOps(order);
  if (reordered) inCreationOrder(order, base);
  const taped = taping && !reordered ? { before: before.subarray(0, n), leaves: leaves.slice(0, nl) } : null;
  gradScratch = before.length > MAX_KEPT ? new Float64Array(1024) : before;
  leafScratch = leaves.length > MAX_KEPT ? new Int32Array(1024) : leaves;
  return { order, gradSeen, grads: taped };
}

/** whether some value was made by a tensor op (tensor/): its graph is sorted op by op */
function madeByTensorOps(order: readonly Node[]): boolean {
  if (!tensorOpsMade()) return false; // a process of scalars only: no walk over its graphs
  for (let i = order.length - 1; i >= 0; i--) if (order[i].group?.kind === "tensor") return true;
  return false;
}

/**
 * a graph of tensor ops in the order its values were made (ids increase): a topological order too,
 * as a value's children are made before it, and one in which each op's values stand together, so
 * the backward pass runs a tensor op at a time (depth-first, it would run each element's whole
 * chain back through every op before the next element's). marks renumbered from base, as above
 */
function inCreationOrder(order: Node[], base: number): void {
  const n = order.length;
  const ids = new Float64Array(n);
  let hi = 0;
  for (let i = 0; i < n; i++) {
    const id = order[i].id;
    ids[i] = id;
    if (id > hi) hi = id;
  }
  if (hi > 0xffffffff) order.sort((a, b) => a.id - b.id);
  else {
    // by id in two passes of 16 bits over the ids alone (a radix sort): linear, where a comparator
    // over 65,000 values cost a tensor training step tens of milliseconds
    let from = new Uint32Array(n);
    let to = new Uint32Array(n);
    for (let i = 0; i < n; i++) from[i] = i;
    const count = new Uint32Array(65537);
    for (let shift = 0; shift <= 16; shift += 16) {
      count.fill(0);
      for (let i = 0; i < n; i++) count[((ids[i] >>> shift) & 0xffff) + 1]++;
      for (let d = 0; d < 65536; d++) count[d + 1] += count[d];
      for (let i = 0; i < n; i++) {
        const k = from[i];
        to[count[(ids[k] >>> shift) & 0xffff]++] = k;
      }
      const t = from;
      from = to;
      to = t;
    }
    const sorted = new Array<Node>(n);
    for (let i = 0; i < n; i++) sorted[i] = order[from[i]];
    for (let i = 0; i < n; i++) order[i] = sorted[i];
  }
  for (let i = 0; i < n; i++) order[i]._mark = base + i;
}

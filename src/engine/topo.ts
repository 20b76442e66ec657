// phase one of backward: every value reachable from root, children before parents.
// iterative with an explicit stack (a million-node chain would overflow recursion), and an
// integer visit mark per sort instead of a Set (no hashing, no per-sort allocation per node).

import type { ManualOp, Node } from "./types";
import { CUSTOM } from "./ops";

let epoch = 0;

// the stack is reused between sorts (and emptied after each, so it holds no graph alive);
// one grown past MAX_KEPT by a very deep graph is dropped rather than kept for the process's life
let stack: (Node | null)[] = [];
const MAX_KEPT = 1 << 16;

/**
 * values reachable from root in topological order: leaves first, root last, each exactly once.
 * they are all of root's own kind (a Value's children are Values)
 */
export function topoOrder<V extends Node>(root: V): V[] {
  const mark = ++epoch;
  const order: Node[] = [];
  // depth-first, post-order, children in their recorded order (the order micrograd's build_topo
  // gives). the stack is the path from root: a node goes down into its first unvisited child and
  // is emitted once it has none. a visited child is always finished already, as a graph of values
  // has no cycles, so no per-node "next child" index is needed.
  const st = stack;
  st[0] = root;
  let sp = 1;
  let depth = 1;
  root._mark = mark;
  while (sp > 0) {
    const v = st[sp - 1] as Node;
    let c: Node | null = null;
    if (v._code !== CUSTOM) {
      const a = v._a;
      if (a !== null && a._mark !== mark) c = a;
      else {
        const b = v._b;
        if (b !== null && b._mark !== mark) c = b;
      }
    } else {
      const xs = (v._ext as ManualOp).children;
      for (let j = 0; j < xs.length; j++) {
        if (xs[j]._mark !== mark) {
          c = xs[j];
          break;
        }
      }
    }
    if (c === null) {
      sp--;
      order.push(v);
    } else {
      c._mark = mark;
      st[sp++] = c;
      if (sp > depth) depth = sp;
    }
  }
  if (depth > MAX_KEPT) stack = [];
  else st.fill(null, 0, depth);
  return order as V[];
}

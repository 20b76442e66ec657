// phase one of backward: every value reachable from root, children before parents.
// iterative with an explicit stack (a million-node chain would overflow recursion), and an
// integer visit mark per sort instead of a Set (no hashing, no per-sort allocation per node).

import type { ManualOp, Value } from "./value";
import { CUSTOM } from "./ops";

let epoch = 0;

/** values reachable from root in topological order: leaves first, root last, each exactly once */
export function topoOrder(root: Value): Value[] {
  const mark = ++epoch;
  const order: Value[] = [];
  // depth-first, post-order, children in their recorded order (the order micrograd's build_topo gives)
  const stack: Value[] = [root];
  const next: number[] = [0];
  let sp = 1;
  root._mark = mark;
  while (sp > 0) {
    const v = stack[sp - 1];
    const i = next[sp - 1];
    let c: Value | null;
    if (v._code !== CUSTOM) c = i === 0 ? v._a : i === 1 ? v._b : null;
    else {
      const xs = (v._ext as ManualOp).children;
      c = i < xs.length ? xs[i] : null;
    }
    if (c === null) {
      sp--;
      order.push(v);
      continue;
    }
    next[sp - 1] = i + 1;
    if (c._mark !== mark) {
      c._mark = mark;
      stack[sp] = c;
      next[sp] = 0;
      sp++;
    }
  }
  return order;
}

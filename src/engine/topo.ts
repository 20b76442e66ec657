// phase one of backward: every value reachable from root, children before parents.
// iterative with an explicit stack (a million-node chain would overflow recursion), and an
// integer visit mark per sort instead of a Set (no hashing, no per-sort allocation per node).

import type { ManualOp, Value } from "./value";
import { CUSTOM } from "./ops";

let epoch = 0;

// the stack is reused between sorts (and emptied after each, so it holds no graph alive);
// one grown past MAX_KEPT by a very deep graph is dropped rather than kept for the process's life
let stack: (Value | null)[] = [];
let next = new Int32Array(256);
const MAX_KEPT = 1 << 16;

/** values reachable from root in topological order: leaves first, root last, each exactly once */
export function topoOrder(root: Value): Value[] {
  const mark = ++epoch;
  const order: Value[] = [];
  // depth-first, post-order, children in their recorded order (the order micrograd's build_topo gives)
  const st = stack;
  let nx = next;
  st[0] = root;
  nx[0] = 0;
  let sp = 1;
  let depth = 1;
  root._mark = mark;
  while (sp > 0) {
    const v = st[sp - 1] as Value;
    const i = nx[sp - 1];
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
    nx[sp - 1] = i + 1;
    if (c._mark !== mark) {
      c._mark = mark;
      if (sp === nx.length) {
        const grown = new Int32Array(2 * nx.length);
        grown.set(nx);
        next = nx = grown;
      }
      st[sp] = c;
      nx[sp] = 0;
      sp++;
      if (sp > depth) depth = sp;
    }
  }
  if (depth > MAX_KEPT) {
    stack = [];
    next = new Int32Array(256);
  } else st.fill(null, 0, depth);
  return order;
}

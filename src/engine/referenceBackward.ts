// backward as micrograd writes it: readable, not fast (a Set, recursion, a Map of numbers). the
// engine's own backward (topo.ts, backward.ts) does the same with no hashing, no recursion and
// no allocation per value; the unit tests check it against this. the local derivatives are the
// engine's (v.locals, from the table in ops.ts): this checks the walk, not the formulas.

import type { Value } from "./value";

/** adds d(root)/d(v) to v.grad for every v reachable from root, as root.backward() does */
export function referenceBackward(root: Value): Map<Value, number> {
  // phase one: topological order, every value after its children
  const topo: Value[] = [];
  const visited = new Set<Value>();
  const build = (v: Value): void => {
    if (visited.has(v)) return;
    visited.add(v);
    for (const child of v.children) build(child);
    topo.push(v);
  };
  build(root);

  // phase two: the chain rule, from the root back. upstream is d(root)/d(v) in this pass; it is
  // v.grad itself when every grad starts at 0, as in micrograd
  const upstream = new Map<Value, number>();
  for (const v of topo) upstream.set(v, 0);
  upstream.set(root, 1);
  for (const v of topo.reverse()) {
    const locals = v.locals;
    v.children.forEach((child, i) => upstream.set(child, upstream.get(child)! + locals[i] * upstream.get(v)!));
  }

  // grads accumulate like pytorch: a second backward() adds the same again
  for (const [v, g] of upstream) v.grad += g;
  return upstream;
}

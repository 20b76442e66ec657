// the trace contract (product.md): nodes once each, leaves first; one step per node with children,
// in reverse topological order; after = before + local * upstream for every update.

import { strict as assert } from "node:assert";
import { MLP, Value, buildTrace, mse, setBackwardListener, toJson, fromJson, SGD, type BackwardCall, type Trace } from "../../src/engine";
import { traceOf } from "./traceOf";

/** a small graph with reuse: a diamond, a value used twice, every kind of op */
function mixedGraph(): Value {
  const a = new Value(0.7, "a");
  const b = new Value(-1.2, "b");
  const c = a.mul(b).add(a.pow(2)).tanh();
  const d = c.mul(c).sub(b.div(a.exp())).relu();
  return d.add(c.sigmoid()).add(a.neg().exp().log().mul(b)).add(b.sub(a).pow(2).pow(0.5));
}

function mlpGraph(): Value {
  const m = new MLP(3, [4, 4, 1], { seed: 7 });
  const X = [
    [0.5, -1, 2],
    [1, 0.2, -0.3],
    [-0.7, 0.1, 0.9],
  ];
  return mse(
    X.map((x) => m.forward(x)),
    [1, -1, 0.5],
  );
}

const graphs: [string, () => Value][] = [
  ["mixed graph", mixedGraph],
  ["mlp with mse", mlpGraph],
];

function checkInvariants(t: Trace): void {
  const ids = t.nodes.map((n) => n.id);
  assert.equal(new Set(ids).size, ids.length, "node ids unique");
  assert.equal(t.nodes[t.nodes.length - 1].id, t.root, "root last");
  const pos = new Map(ids.map((id, i) => [id, i]));
  for (const n of t.nodes) {
    for (const c of n.children) assert.ok(pos.get(c)! < pos.get(n.id)!, "children before parents");
    assert.equal(n.locals.length, n.children.length);
  }
  // one step per node with children, in reverse topological order; leaves have none
  const inner = t.nodes
    .filter((n) => n.children.length > 0)
    .map((n) => n.id)
    .reverse();
  assert.deepEqual(
    t.steps.map((s) => s.node),
    inner,
  );
  const byId = new Map(t.nodes.map((n) => [n.id, n]));
  for (const s of t.steps) {
    const n = byId.get(s.node)!;
    assert.deepEqual(
      s.updates.map((u) => u.child),
      n.children,
    );
    assert.deepEqual(
      s.updates.map((u) => u.local),
      n.locals,
    );
    for (const u of s.updates) assert.equal(u.after, u.before + u.local * s.upstream);
  }
}

describe("trace", () => {
  for (const [name, make] of graphs) {
    it(`${name}: contract invariants, fresh grads`, () => {
      const t = traceOf(make());
      checkInvariants(t);
      assert.equal(t.accumulated, false);
      assert.equal(t.recorded, true);
      const byId = new Map(t.nodes.map((n) => [n.id, n]));
      for (const n of t.nodes) assert.equal(n.gradBefore, 0);
      // with zero grads before, upstream is the node's final grad: after = before + local * grad(node)
      for (const s of t.steps) {
        assert.equal(s.upstream, byId.get(s.node)!.grad);
        for (const u of s.updates) assert.equal(u.after, u.before + u.local * byId.get(s.node)!.grad);
      }
      // replaying the updates from gradBefore ends at every final grad
      const g = new Map(t.nodes.map((n) => [n.id, n.gradBefore!]));
      g.set(t.root, g.get(t.root)! + 1);
      for (const s of t.steps)
        for (const u of s.updates) {
          assert.equal(g.get(u.child), u.before);
          g.set(u.child, u.after);
        }
      for (const n of t.nodes) assert.equal(g.get(n.id), n.grad);
    });

    it(`${name}: backward twice doubles the leaves and says accumulated`, () => {
      const root = make();
      const t1 = traceOf(root);
      const t2 = traceOf(root);
      checkInvariants(t2);
      assert.equal(t2.accumulated, true);
      assert.equal(t2.index, t1.index + 1);
      assert.deepEqual(
        t2.nodes.map((n) => n.gradBefore),
        t1.nodes.map((n) => n.grad),
      );
      assert.deepEqual(
        t2.steps.map((s) => s.upstream),
        t1.steps.map((s) => s.upstream),
      );
      for (let i = 0; i < t1.nodes.length; i++) {
        const g1 = t1.nodes[i].grad;
        assert.ok(Math.abs(t2.nodes[i].grad - 2 * g1) <= 1e-12 * Math.abs(g1), `${t2.nodes[i].grad} vs 2·${g1}`);
      }
    });
  }

  it("holds the numbers of its pass, not later ones (optimizer step, zeroGrad)", () => {
    const m = new MLP(2, [3, 1], { seed: 1 });
    const loss = mse([m.forward([1, 2])], [1]);
    let call: BackwardCall | undefined;
    setBackwardListener((c) => (call = c));
    loss.backward();
    setBackwardListener(null);
    const p = m.parameters()[0];
    const data = p.data;
    const grad = p.grad;
    new SGD(m.parameters(), { lr: 0.1 }).step();
    m.zeroGrad();
    const node = buildTrace(call!).nodes.find((n) => n.id === p.id)!;
    assert.equal(node.data, data);
    assert.equal(node.grad, grad);
  });

  it("shows the locals its pass used, even after the data changed", () => {
    const w = new Value(3, "w");
    const x = new Value(2, "x");
    const y = w.mul(x);
    let call: BackwardCall | undefined;
    setBackwardListener((c) => (call = c));
    y.backward();
    setBackwardListener(null);
    w.data = 100; // an optimizer step
    const t = buildTrace(call!);
    assert.deepEqual(t.nodes.find((n) => n.id === y.id)!.locals, [2, 3]);
    assert.deepEqual(
      t.steps[0].updates.map((u) => u.local),
      [2, 3],
    );
    assert.deepEqual(y.locals, [2, 100]); // live: what a backward now would use, as micrograd reads data
  });

  it("carries module paths and no steps when not recorded", () => {
    const t = traceOf(mlpGraph());
    assert.ok(t.nodes.some((n) => n.module === "MLP/L2/N3"));
    const leaf = t.nodes.find((n) => n.label === "w0" && n.module === "MLP/L1/N1");
    assert.ok(leaf);
    assert.equal("loc" in leaf, false);
  });

  it("round-trips through json with NaN and Infinity", () => {
    const x = new Value(0, "x");
    const y = x.log().mul(x); // -Infinity * 0 = NaN
    const t = traceOf(y);
    const text = toJson(t, 2);
    assert.ok(text.includes('"-Infinity"') && text.includes('"NaN"'));
    assert.deepEqual(fromJson<Trace>(text), t);
  });
});

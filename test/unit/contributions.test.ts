// where a grad comes from: each parent's share, against the engine's own numbers
import * as assert from "node:assert";
import { Value } from "../../src/engine";
import { Shares } from "../../src/webview/contributions";
import { nameExpressions, nameOf } from "../../src/webview/names";
import { traceOf } from "./traceOf";

describe("grad shares", () => {
  it("splits a value's grad into what each use sent it, named by the parent", () => {
    const x = new Value(2, "x");
    const w = new Value(-3, "w");
    const b = new Value(1, "b");
    const y = x.mul(w).add(x.add(b)); // dy/dx = w + 1 = -2: -3 from x·w, 1 from x + b
    const t = traceOf(y);
    nameExpressions(t);
    const nodes = new Map(t.nodes.map((n) => [n.id, n]));
    const shares = new Shares(t);
    const list = shares.of(x.id);
    assert.deepStrictEqual(
      list.map((s) => [nameOf(nodes.get(s.parent)!), s.amount]),
      [
        ["x + b", 1],
        ["x*w", -3],
      ],
    );
    assert.strictEqual(
      list.reduce((k, s) => k + s.amount, 0),
      nodes.get(x.id)!.grad,
    );
    assert.strictEqual(shares.sum(x.id, nodes), "1 (from x + b) − 3 (from x*w)");
    assert.ok(shares.shared(x.id) && !shares.shared(w.id));
    // before the second share's step has run, only the first is counted
    assert.strictEqual(shares.of(x.id, list[1].step).length, 1);
  });

  it("puts what a grad held before the pass first, after backward() twice", () => {
    const a = new Value(3, "a");
    const c = a.mul(a);
    c.backward();
    const t = traceOf(c);
    nameExpressions(t);
    const nodes = new Map(t.nodes.map((n) => [n.id, n]));
    assert.strictEqual(new Shares(t).sum(a.id, nodes), "6 (held before) + 3 (from a*a) + 3 (from a*a)");
  });
});

// the panel's stepper against the engine: every position's grads are the engine's own numbers
import * as assert from "node:assert";
import { Value } from "../../src/engine";
import { Stepper } from "../../src/webview/stepper";
import { traceOf } from "./traceOf";

function neuron(): { o: Value; leaves: Record<string, Value> } {
  const x1 = new Value(2, "x1"),
    x2 = new Value(0, "x2"),
    w1 = new Value(-3, "w1"),
    w2 = new Value(1, "w2");
  const b = new Value(6.8813735870195432, "b");
  const o = x1.mul(w1).add(x2.mul(w2)).add(b).tanh();
  return { o, leaves: { x1, x2, w1, w2, b } };
}

describe("stepper", () => {
  it("starts with only the root seeded and ends at the engine's grads", () => {
    const { o, leaves } = neuron();
    const s = new Stepper(traceOf(o));
    assert.strictEqual(s.position, 0);
    assert.strictEqual(s.grad(o.id), 1);
    for (const v of Object.values(leaves)) assert.strictEqual(s.grad(v.id), 0);
    s.goTo(s.total);
    assert.ok(s.done);
    for (const v of Object.values(leaves)) assert.strictEqual(s.grad(v.id), v.grad, v.label);
    assert.ok(Math.abs(s.grad(leaves.x1.id) - -1.5) < 1e-12);
  });

  it("steps back to exactly the numbers it had", () => {
    const { o } = neuron();
    const trace = traceOf(o);
    const s = new Stepper(trace);
    const seen: number[][] = [];
    const grads = () => trace.nodes.map((n) => s.grad(n.id));
    do seen.push(grads());
    while (s.step());
    for (let k = s.total; k >= 0; k--) {
      assert.deepStrictEqual(grads(), seen[k], `position ${k}`);
      s.back();
    }
    assert.strictEqual(s.back(), false, "no step before the start");
  });

  it("handles a value used twice: both updates land on the same child", () => {
    const a = new Value(3, "a");
    const y = a.mul(a);
    const s = new Stepper(traceOf(y));
    s.step();
    assert.strictEqual(s.current!.updates.length, 2);
    assert.strictEqual(s.grad(a.id), 6);
    s.back();
    assert.strictEqual(s.grad(a.id), 0);
  });

  it("starts from the grads a value already held when backward runs twice", () => {
    const a = new Value(3, "a");
    const y = a.mul(2);
    y.backward();
    const s = new Stepper(traceOf(y));
    assert.ok(s.trace.accumulated);
    assert.strictEqual(s.grad(a.id), 2, "the first pass's grad");
    assert.strictEqual(s.grad(y.id), 2, "the root held 1 and is seeded with 1 more");
    s.goTo(s.total);
    assert.strictEqual(s.grad(a.id), 4);
  });
});

// what-if against the engine itself: the graph built again with the changed leaf gives the numbers
import * as assert from "node:assert";
import { MLP, Value, mse } from "../../src/engine";
import { whatIf } from "../../src/engine/whatIf";
import { traceOf } from "./traceOf";
import type { Trace } from "../../src/engine/trace";

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a), Math.abs(b));

/** every node's data and grad, and every update, in order */
function numbers(t: Trace): number[] {
  return [
    ...t.nodes.flatMap((n) => [n.data, n.grad]),
    ...t.steps.flatMap((s) => [s.upstream, ...s.updates.flatMap((u) => [u.local, u.before, u.after])]),
  ];
}

function assertSame(got: Trace, want: Trace): void {
  const a = numbers(got);
  const b = numbers(want);
  assert.strictEqual(a.length, b.length);
  a.forEach((x, i) => assert.ok(close(x, b[i]), `number ${i}: ${x} vs ${b[i]}`));
}

describe("what-if", () => {
  it("a neuron with w1 changed gives what the engine gives with that w1, and marks what changed", () => {
    const neuron = (w1v: number) => {
      const x1 = new Value(2, "x1");
      const w1 = new Value(w1v, "w1");
      const x2 = new Value(0, "x2");
      const w2 = new Value(1, "w2");
      const b = new Value(6.8813735870195432, "b");
      const o = x1.mul(w1).add(x2.mul(w2)).add(b).tanh();
      return { o, w1, w2 };
    };
    const before = neuron(-3);
    const t = traceOf(before.o);
    const { trace, changed, approximate } = whatIf(t, new Map([[before.w1.id, 0.5]]));
    assertSame(trace, traceOf(neuron(0.5).o));
    assert.strictEqual(approximate, false);
    assert.ok(changed.has(before.w1.id) && changed.has(before.o.id));
    assert.ok(!changed.has(before.w2.id), "w2's grad is x2 · … = 0 either way");
    assert.strictEqual(t.nodes.find((n) => n.label === "w1")!.data, -3, "the original trace is untouched");
  });

  it("an MLP's loss with an input changed matches the engine, steps included", () => {
    const build = (x0: number) => {
      const model = new MLP(3, [4, 1], { seed: 5 });
      const xs = [new Value(x0, "x0"), new Value(-1, "x1b"), new Value(0.5, "x2b")];
      return { loss: mse([model.forward(xs)], [1]), x: xs[0] };
    };
    const a = build(2);
    const { trace } = whatIf(traceOf(a.loss), new Map([[a.x.id, -0.7]]));
    assertSame(trace, traceOf(build(-0.7).loss));
  });

  it("keeps what grads held before the pass (backward twice): only this pass sees the change", () => {
    const a = new Value(3, "a");
    const c = a.mul(a).add(a);
    c.backward(); // a.grad = 2a + 1 = 7, held when the recorded pass begins
    const { trace } = whatIf(traceOf(c), new Map([[a.id, 1.5]]));
    // the engine: the held grads, then one pass at a = 1.5
    const b = new Value(1.5, "a");
    const sq = b.mul(b);
    const d = sq.add(b);
    b.grad = 7;
    sq.grad = 1;
    d.grad = 1;
    assertSame(trace, traceOf(d));
  });

  it("shows NaN where a change makes log undefined", () => {
    const x = new Value(2, "x");
    const y = x.log().mul(3);
    const { trace } = whatIf(traceOf(y), new Map([[x.id, -1]]));
    assert.ok(Number.isNaN(trace.nodes.find((n) => n.id === y.id)!.data));
    assert.ok(Number.isNaN(trace.nodes.find((n) => n.id === x.id)!.grad) === false, "d log(x)/dx = 1/x is defined");
  });
});

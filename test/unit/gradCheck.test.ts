// gradCheck: finite differences agree with backward, and the user's grads are left alone.

import { strict as assert } from "node:assert";
import { MLP, SGD, Value, gradCheck, manualGrad, mse, softmaxCrossEntropy } from "../../src/engine";

describe("gradCheck", () => {
  it("agrees with backward on an MLP with mse (rel err < 1e-6)", () => {
    const m = new MLP(3, [4, 4, 1], { seed: 3 });
    const X = [
      [0.5, -1, 2],
      [1, 0.2, -0.3],
      [-0.7, 0.1, 0.9],
      [0.3, 0.3, -1],
    ];
    const loss = mse(
      X.map((x) => m.forward(x)),
      [1, -1, 0.5, 0],
    );
    const entries = gradCheck(loss);
    const params = new Set(m.parameters().map((p) => p.id));
    assert.equal(entries.filter((e) => params.has(e.id)).length, params.size);
    for (const e of entries) {
      assert.ok(e.relError < 1e-6, `${e.label}#${e.id}: analytic ${e.analytic} numeric ${e.numeric} rel ${e.relError}`);
      assert.equal(e.linearized, false);
    }
  });

  it("agrees on a relu/sigmoid MLP with softmax cross-entropy", () => {
    const m = new MLP(2, [5, 3], { seed: 11, activation: "sigmoid" });
    const loss = softmaxCrossEntropy(m.forward([0.4, -0.6]), 2);
    for (const e of gradCheck(loss)) assert.ok(e.relError < 1e-6, `${e.label}: ${e.analytic} vs ${e.numeric}`);
  });

  it("returns the analytic grads of a fresh pass and leaves stored grads untouched", () => {
    const a = new Value(1.5, "a");
    const b = new Value(-2, "b");
    const y = a.mul(b).add(a.tanh());
    a.grad = 100; // as if a previous backward had run
    const entries = gradCheck(y);
    assert.equal(a.grad, 100);
    assert.equal(b.grad, 0);
    assert.equal(y.grad, 0);
    const ea = entries.find((e) => e.id === a.id)!;
    assert.ok(Math.abs(ea.analytic - (-2 + (1 - Math.tanh(1.5) ** 2))) < 1e-15);
    assert.equal(entries.find((e) => e.id === b.id)!.analytic, 1.5);
    assert.deepEqual(
      entries.map((e) => e.label),
      ["a", "b"],
    );
  });

  it("checks a hand-written op through its forward formula, and catches a wrong local", () => {
    const x = new Value(0.3, "x");
    const f = (xs: readonly number[]) => 1 / (1 + Math.exp(-xs[0]));
    const s = f([x.data]);
    const good = gradCheck(manualGrad("sigmoid*", [x], s, [s * (1 - s)], f).mul(2));
    assert.ok(good[0].relError < 1e-8);
    assert.equal(good[0].linearized, false);
    const bad = gradCheck(manualGrad("sigmoid*", [x], s, [s], f).mul(2));
    assert.ok(bad[0].relError > 0.1);
  });

  it("linearises a hand-written op without a forward formula, and says so", () => {
    const x = new Value(0.3, "x");
    const y = new Value(2, "y");
    const s = 1 / (1 + Math.exp(-x.data));
    const out = manualGrad("sigmoid*", [x], s, [s]).mul(y);
    const [ex, ey] = gradCheck(out);
    assert.equal(ex.linearized, true);
    assert.ok(ex.relError < 1e-8); // agrees by construction: the check cannot see a wrong local here
    assert.equal(ey.linearized, false);
  });

  it("after an optimizer step moved the weights, checks at the moved values and agrees (it reported 1.78 before)", () => {
    const m = new MLP(3, [4, 4, 1], { seed: 2 });
    const opt = new SGD(m.parameters(), { lr: 0.05 });
    const loss = mse(
      [
        [2, 3, -1],
        [3, -1, 0.5],
        [0.5, 1, 1],
        [1, 1, -1],
      ].map((x) => m.forward(x)),
      [1, -1, -1, 1],
    );
    loss.backward();
    opt.step();
    const grads = m.parameters().map((p) => p.grad);
    const entries = gradCheck(loss);
    for (const e of entries) assert.ok(e.relError < 1e-6, `${e.label}#${e.id}: analytic ${e.analytic} numeric ${e.numeric}`);
    assert.deepEqual(
      m.parameters().map((p) => p.grad),
      grads,
      "the stored grads are left alone",
    );
  });
});

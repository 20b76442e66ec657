// the numeric check per leaf: a central finite difference on the values of the recorded pass,
// checked against the engine's own grads (an independent computation: forward formulas only)
import * as assert from "node:assert";
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { MLP, SGD, Value, checkTrace, gradCheck, manualGrad, mse, NumericCheck } from "../../src/engine";
import { traceOf } from "./traceOf";

const close = (a: number, b: number, tol = 1e-5) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(a), Math.abs(b));

describe("numeric check per leaf", () => {
  it("agrees with every grad of an MLP after optimizer steps moved its weights (the pass's own values)", () => {
    const xs = [
      [2, 3, -1],
      [3, -1, 0.5],
      [0.5, 1, 1],
      [1, 1, -1],
    ];
    const ys = [1, -1, -1, 1];
    const model = new MLP(3, [4, 4, 1], { seed: 2 });
    const opt = new SGD(model.parameters(), { lr: 0.05 });
    let trace;
    for (let step = 0; step < 5; step++) {
      const loss = mse(
        xs.map((x) => model.forward(x)),
        ys,
      );
      model.zeroGrad();
      trace = traceOf(loss);
      opt.step();
      // the live graph's leaves moved: gradCheck checks backward at the moved values (and agrees),
      // which are not the pass's; the trace's check is of the pass itself
      if (step === 4) {
        const live = gradCheck(loss);
        for (const e of live) assert.ok(e.relError < 1e-6, `live ${e.label}: ${e.analytic} vs ${e.numeric}`);
        const pass = new Map(trace.nodes.map((n) => [n.id, n.grad]));
        assert.ok(
          live.some((e) => Math.abs(e.analytic - pass.get(e.id)!) > 1e-6),
          "the moved values have other grads than the pass's",
        );
      }
    }
    checkTrace(trace!);
    const leaves = trace!.nodes.filter((n) => n.children.length === 0);
    assert.ok(leaves.length > 41, `${leaves.length} leaves (41 parameters, inputs and constants)`);
    for (const n of leaves) assert.ok(close(n.grad, n.numeric!), `${n.label || n.id}: grad ${n.grad}, numeric ${n.numeric}`);
    assert.strictEqual(trace!.numericPending, undefined);
  });

  it("gives a used-twice value its whole derivative, and a value after backward() twice its true slope, not the doubled grad", () => {
    const a = new Value(3, "a");
    const b = a.mul(a).add(a); // d/da = 2a + 1 = 7
    b.backward();
    const t = traceOf(b);
    checkTrace(t);
    const leaf = t.nodes.find((n) => n.label === "a")!;
    assert.ok(close(leaf.numeric!, 7));
    assert.strictEqual(leaf.grad, 14, "grads accumulated over two passes");
  });

  it("marks a leaf checked through a hand-written op as linearised", () => {
    const x = new Value(0.5, "x");
    const s = 1 / (1 + Math.exp(-0.5));
    const y = manualGrad("sigmoid", [x], s, [s * (1 - s)]);
    const t = traceOf(y.mul(2));
    checkTrace(t);
    const leaf = t.nodes.find((n) => n.label === "x")!;
    assert.strictEqual(leaf.linearized, true);
    assert.ok(close(leaf.numeric!, 2 * s * (1 - s)));
  });

  it("is NaN where the function is not defined, and runs in slices to a deadline", () => {
    const x = new Value(-1, "x");
    const t = traceOf(x.log());
    checkTrace(t);
    assert.ok(Number.isNaN(t.nodes.find((n) => n.label === "x")!.numeric));

    let sum = new Value(0, "s0");
    for (let i = 0; i < 400; i++) sum = sum.add(new Value(i, `v${i}`).tanh());
    const big = traceOf(sum);
    const check = new NumericCheck(big);
    assert.strictEqual(check.run(performance.now() - 1), false, "a past deadline stops after the first slice");
    assert.ok(check.results.size > 0 && check.results.size < check.total);
    assert.strictEqual(check.run(), true);
    assert.strictEqual(check.results.size, 401);
  });

  it("is on each leaf of `trace --json`, and in the table", function () {
    // two runs of the cli: more than mocha's 2 s on a busy machine
    this.timeout(30_000);
    const cli = path.resolve(__dirname, "../../../bin/backprop-stepper.js");
    const neuron = path.resolve(__dirname, "../../../examples/neuron.ts");
    const trace = JSON.parse(
      execFileSync(process.execPath, [cli, "trace", neuron, "--json"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }),
    );
    const leaves = trace.nodes.filter((n: { children: number[] }) => n.children.length === 0);
    assert.strictEqual(leaves.length, 5);
    for (const n of leaves) assert.ok(close(n.grad, n.numeric, 1e-6), `${n.label}: ${n.grad} vs ${n.numeric}`);
    const table = execFileSync(process.execPath, [cli, "trace", neuron], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    assert.match(table, /numeric check:[^\n]*\nleaf +grad +numeric\n(.*ok\n?){5}/);
  });
});

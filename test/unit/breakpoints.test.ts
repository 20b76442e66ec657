// breakpoints: where Continue and Play stop, on real traces
import * as assert from "node:assert";
import { Value } from "../../src/engine";
import { carryOver, describeStop, nextStop, type Breakpoint } from "../../src/webview/breakpoints";
import { traceOf } from "./traceOf";

describe("breakpoints", () => {
  // loss = log(a - b) · w with a - b = 0: the grads become infinite on the way back
  const a = new Value(2, "a");
  const b = new Value(2, "b");
  const w = new Value(3, "w");
  const d = a.sub(b);
  d.label = "d";
  const lg = d.log();
  lg.label = "lg";
  const loss = lg.mul(w);
  loss.label = "loss";
  const t = traceOf(loss);
  const stepOf = (id: number) => t.steps.findIndex((s) => s.node === id);

  it("stops where a value's grad becomes infinite, and says so", () => {
    const bp: Breakpoint = { id: d.id, label: "d", kind: "nonFinite" };
    const stop = nextStop(t, 0, [bp])!;
    assert.strictEqual(stop.position, stepOf(lg.id) + 1, "at the step of log, which sends d an infinite grad");
    assert.ok(!Number.isFinite(t.steps[stop.position - 1].updates[0].after));
    assert.match(describeStop(stop), /Stopped at step \d+: d's grad is no longer finite/);
    assert.strictEqual(nextStop(t, stop.position, [bp]), undefined, "past it, the pass runs to its end");
  });

  it("stops where |grad| passes a bound, and where the pass reaches a value", () => {
    assert.strictEqual(nextStop(t, 0, [{ id: lg.id, label: "lg", kind: "above", bound: 2.5 }])!.position, stepOf(loss.id) + 1);
    assert.strictEqual(nextStop(t, 0, [{ id: lg.id, label: "lg", kind: "above", bound: 3 }]), undefined, "|3| is not above 3");
    assert.strictEqual(nextStop(t, 0, [{ id: d.id, label: "d", kind: "reach" }])!.position, stepOf(d.id) + 1);
  });

  it("the earliest of several wins, and breakpoints whose value is gone are dropped on a new run", () => {
    const bps: Breakpoint[] = [
      { id: d.id, label: "d", kind: "reach" },
      { id: lg.id, label: "lg", kind: "above", bound: 1 },
    ];
    assert.strictEqual(nextStop(t, 0, bps)!.breakpoint.label, "lg");
    const other = traceOf(new Value(1, "z").mul(2));
    assert.deepStrictEqual(carryOver(bps, other), []);
    assert.strictEqual(carryOver(bps, t).length, 2);
  });
});

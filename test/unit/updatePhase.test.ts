// the Update phase: the rule of a step and each parameter's step written with its numbers, whether
// the loss went down, and how the graph marks what moved. pure functions, on hand-made records and
// on a trace the real engine makes.
import * as assert from "node:assert";
import type { UpdateRecord } from "../../src/engine/types";
import { lossText, ruleText, stepText } from "../../src/webview/updateDetails";
import { updateLook } from "../../src/webview/looks";
import { factsOf } from "../../src/webview/runFacts";
import { neuronTrace } from "./lessonTraces";

const sgd: UpdateRecord = { rule: "sgd", lr: 0.1, momentum: 0, params: [{ id: 1, before: 0.5, after: 0.47, grad: 0.3 }] };
const momentum: UpdateRecord = {
  rule: "sgd",
  lr: 0.1,
  momentum: 0.9,
  params: [{ id: 1, before: 0.5, after: 0.46, grad: 0.3, velocity: 0.4 }],
};
const adam: UpdateRecord = {
  rule: "adam",
  lr: 0.01,
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  t: 1,
  params: [{ id: 1, before: 0.5, after: 0.49, grad: 0.3, m: 0.03, v: 0.00009, mHat: 0.3, vHat: 0.09, step: 0.01 }],
};
const script: UpdateRecord = { rule: "script", params: [{ id: 1, before: 0.5, after: 0.47, grad: 0.3 }] };

describe("the Update phase", () => {
  const table: [string, UpdateRecord, RegExp, string][] = [
    ["plain SGD", sgd, /^SGD: p ← p − 0\.1·grad$/, "0.5 − 0.1 × 0.3 = 0.47"],
    ["SGD with momentum", momentum, /momentum: v ← 0\.9·v \+ grad, then p ← p − 0\.1·v/, "v = 0.4; 0.5 − 0.1 × 0.4 = 0.46"],
    [
      "Adam",
      adam,
      /^Adam \(lr 0\.01, β1 0\.9, β2 0\.999, ε 1.0e-8, step 1\)/,
      "m = 0.03, v = 9.000e-5, m̂ = 0.3, v̂ = 0.09; 0.5 − 0.01 = 0.49",
    ],
    ["the script's own", script, /script's own update/, "0.5 → 0.47 (grad 0.3)"],
  ];
  for (const [name, u, rule, step] of table)
    it(`${name}: the rule and a parameter's step with its numbers`, () => {
      assert.match(ruleText(u), rule);
      assert.strictEqual(stepText(u, u.params[0]), step);
    });

  it("says whether the next call's loss went down", () => {
    const calls = [0.9, 0.7, 0.8].map((loss, index) => ({ index, loss, nodeCount: 9, accumulated: false, recorded: true }));
    assert.match(lossText(calls, 0)!, /0\.9 at this call, 0\.7 at the next: lower/);
    assert.match(lossText(calls, 1)!, /higher/);
    assert.strictEqual(lossText(calls, 2), undefined, "the last call has no next");
  });

  it("marks each moved parameter by the sign of its change, the largest with a thick border, its data before → after", () => {
    const trace = neuronTrace();
    const f = factsOf(trace);
    const leaves = trace.nodes.filter((n) => n.children.length === 0);
    const u: UpdateRecord = {
      rule: "sgd",
      lr: 0.1,
      momentum: 0,
      params: [
        { id: leaves[0].id, before: 1, after: 0.2, grad: 8 },
        { id: leaves[1].id, before: 1, after: 1.01, grad: -0.1 },
      ],
    };
    const look = updateLook(f, u);
    const a = look.value(leaves[0]);
    assert.deepStrictEqual(a.classes.filter(Boolean), ["fell", "moved-most"]);
    assert.strictEqual(a.data, "data 1 → 0.2");
    assert.deepStrictEqual(look.value(leaves[1]).classes.filter(Boolean), ["rose"]);
    const inner = trace.nodes.find((n) => n.children.length > 0)!;
    assert.ok(look.value(inner).classes.includes("processed"), "what did not move is muted");
  });
});

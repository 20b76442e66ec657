// a call picked on the loss curve against the re-run's call at that index: the same call, or how it differs
import * as assert from "node:assert";
import { fromJson, NUMERIC_KEYS, toJson } from "../../src/engine/json";
import { callMismatch, describeMismatch } from "../../src/shared/callMismatch";
import type { BackwardSummary, CallMismatch, RunResult, ShowTraceMessage } from "../../src/shared/protocol";

/** a summary of call `index` */
function call(index: number, loss: number, nodeCount: number): BackwardSummary {
  return { index, loss, nodeCount, accumulated: false, recorded: true };
}

/** a run whose calls have these [loss, nodeCount] */
function run(...calls: [number, number][]): RunResult {
  return { file: "/s.ts", calls: calls.map(([loss, n], i) => call(i, loss, n)), elapsedMs: 1 };
}

/** the mismatch of call `index`, clicked as [loss, nodeCount], re-run as [loss, nodeCount] (none: fewer calls) */
function differs(index: number, [loss, nodeCount]: [number, number], rerun?: [number, number]): CallMismatch {
  return { index, clicked: { loss, nodeCount }, ...(rerun ? { rerun: { loss: rerun[0], nodeCount: rerun[1] } } : {}) };
}

describe("a picked call against its re-run", () => {
  const same = undefined;
  const cases: [string, BackwardSummary | undefined, RunResult, CallMismatch | undefined][] = [
    ["the same call", call(1, 0.48, 36), run([0.9, 36], [0.48, 36], [0.2, 36]), same],
    ["a different loss", call(1, 0.48, 36), run([0.9, 36], [0.53, 36]), differs(1, [0.48, 36], [0.53, 36])],
    ["a loss one ulp away", call(0, 0.1 + 0.2, 5), run([0.3, 5]), differs(0, [0.1 + 0.2, 5], [0.3, 5])],
    ["a different node count", call(1, 0.48, 36), run([0.9, 36], [0.48, 40]), differs(1, [0.48, 36], [0.48, 40])],
    ["a re-run that made fewer calls", call(2, 0.2, 36), run([0.9, 36], [0.48, 36]), differs(2, [0.2, 36])],
    ["a re-run that made no calls", call(0, 0.2, 36), run(), differs(0, [0.2, 36])],
    ["a re-run that made more calls", call(0, 0.9, 36), run([0.9, 36], [0.48, 36], [0.2, 36]), same],
    ["NaN losses on both sides", call(0, NaN, 7), run([NaN, 7]), same],
    ["a NaN loss that was a number", call(0, 0.5, 7), run([NaN, 7]), differs(0, [0.5, 7], [NaN, 7])],
    ["a number that was a NaN loss", call(0, NaN, 7), run([0.5, 7]), differs(0, [NaN, 7], [0.5, 7])],
    ["NaN losses, different node counts", call(0, NaN, 7), run([NaN, 9]), differs(0, [NaN, 7], [NaN, 9])],
    ["infinite losses on both sides", call(0, Infinity, 7), run([Infinity, 7]), same],
    ["opposite infinities", call(0, Infinity, 7), run([-Infinity, 7]), differs(0, [Infinity, 7], [-Infinity, 7])],
    ["nothing known of the clicked call", undefined, run([0.9, 36]), same],
  ];
  for (const [name, clicked, rerun, expected] of cases) {
    it(name, () => assert.deepStrictEqual(callMismatch(clicked?.index ?? 0, clicked, rerun), expected));
  }
});

describe("a mismatch in the output channel", () => {
  const hint = "; the script did not run the same way twice (Math.random()?); seed its randomness with rng(seed) to pick calls reliably";
  const cases: [string, CallMismatch, string][] = [
    ["a different loss", differs(11, [0.48, 36], [0.5312, 36]), "call 12 ran differently this time: loss 0.5312 (clicked 0.48)"],
    [
      "losses apart past 4 digits",
      differs(0, [0.1 + 0.2, 5], [0.3, 5]),
      "call 1 ran differently this time: loss 0.3 (clicked 0.30000000000000004)",
    ],
    ["a different node count", differs(2, [1, 36], [1, 40]), "call 3 ran differently this time: 40 values (clicked 36)"],
    ["both", differs(0, [NaN, 3], [2, 4]), "call 1 ran differently this time: loss 2 (clicked NaN), 4 values (clicked 3)"],
    [
      "fewer calls",
      differs(4, [-Infinity, 3]),
      "call 5 was not made this time: the re-run made fewer backward() calls (the curve showed loss -Infinity)",
    ],
  ];
  for (const [name, m, start] of cases) it(name, () => assert.strictEqual(describeMismatch(m), start + hint));
});

describe("a mismatch on its way to the page", () => {
  // the page's numeric fields (src/webview/main.ts MESSAGE_NUMBERS): the engine's, and "loss"
  const pageNumbers = new Set([...NUMERIC_KEYS, "loss"]);

  it("keeps NaN and infinite losses numbers through toJson and the page's fromJson", () => {
    const msg: ShowTraceMessage = {
      type: "showTrace",
      result: run([NaN, 3]),
      fileName: "s.ts",
      keepPosition: false,
      mismatch: { index: 0, clicked: { loss: Infinity, nodeCount: 3 }, rerun: { loss: NaN, nodeCount: 3 } },
    };
    const back = fromJson<ShowTraceMessage>(toJson(msg), pageNumbers);
    assert.deepStrictEqual(back.mismatch, msg.mismatch);
    assert.deepStrictEqual(back, msg);
  });

  it("carries no mismatch field when there is none", () => {
    const msg: ShowTraceMessage = { type: "showTrace", result: run([1, 3]), fileName: "s.ts", keepPosition: false };
    assert.ok(!("mismatch" in fromJson<ShowTraceMessage>(toJson(msg), pageNumbers)));
  });
});

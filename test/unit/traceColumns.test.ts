// a trace as columns (src/shared/traceColumns.ts) and back is the same trace: every number (NaN,
// ±Infinity, -0), every text, every key in its place, so `trace --json` prints the same JSON.
import * as assert from "node:assert";
import { deserialize, serialize } from "node:v8";
import { Value, manualGrad } from "../../src/engine";
import { checkTrace } from "../../src/engine/numericCheck";
import { toJson } from "../../src/engine/json";
import type { Trace } from "../../src/engine/trace";
import { decodeTrace, encodeTrace } from "../../src/shared/traceColumns";
import { replaySteps, stepsFollow } from "../../src/shared/stepReplay";
import { traceOf } from "./traceOf";
import { MLP, mse } from "../../src/engine";

/** encode, through node's ipc serialisation (as from the worker to the host), decode */
function roundTrip(trace: Trace): Trace {
  const cols = encodeTrace(trace);
  assert.ok(cols, "the trace is encoded");
  return decodeTrace(deserialize(serialize(cols)) as typeof cols);
}

function same(trace: Trace): void {
  const back = roundTrip(trace);
  // values by SameValue (NaN equals NaN, -0 is not 0), and the json text, key order included
  assert.deepStrictEqual(back, trace);
  assert.strictEqual(toJson(back), toJson(trace));
  assert.strictEqual(
    JSON.stringify(back, (_, v) => (Object.is(v, -0) ? "-0" : v)),
    JSON.stringify(trace, (_, v) => (Object.is(v, -0) ? "-0" : v)),
  );
}

const TEXTS = [
  "",
  "a",
  "NaN",
  "Infinity",
  "</script><script>alert(1)</script>",
  "🧠 x₁·w₁ 😀",
  "\u0000\n\t\"'\\",
  "\ud800 lone",
  "x".repeat(500),
];

describe("trace columns", () => {
  it("a neuron with its numeric check: the same trace back", () => {
    const x1 = new Value(2, "x1");
    const w1 = new Value(-3, "w1");
    const b = new Value(6.8813735870195432, "b");
    const n = x1.mul(w1).add(b);
    n.label = "n";
    const trace = traceOf(n.tanh());
    checkTrace(trace);
    same(trace);
  });

  it("NaN, ±Infinity and -0 in data, grads, locals, updates and the numeric check", () => {
    const a = new Value(-0, "a");
    const z = new Value(0, "z");
    const inf = a.add(new Value(Infinity, "inf"));
    const nan = z.log().mul(inf).add(new Value(NaN, "nan"));
    const trace = traceOf(nan.add(new Value(-Infinity)));
    trace.nodes[0].numeric = NaN;
    trace.nodes[1].numeric = -0;
    trace.nodes[1].linearized = true;
    trace.numericPending = 3;
    same(trace);
    const back = roundTrip(trace);
    assert.ok(back.nodes.some((n) => Object.is(n.data, -0)));
    assert.ok(back.nodes.some((n) => Number.isNaN(n.data)));
    assert.ok(back.nodes.some((n) => n.data === -Infinity));
  });

  it("labels, ops, modules and files with any text (emoji, </script>, lone surrogates, control characters)", () => {
    let v = new Value(1, TEXTS[0]);
    for (const t of TEXTS.slice(1)) v = v.mul(new Value(2, t));
    v.label = "🧠";
    const trace = traceOf(v);
    trace.nodes.forEach((n, i) => {
      const t = TEXTS[i % TEXTS.length];
      n.loc = i % 2 ? { line: i + 1, column: 3, file: `/tmp/${t}.ts` } : { line: i + 1, column: 1 };
    });
    same(trace);
    const back = roundTrip(trace);
    assert.deepStrictEqual(
      back.nodes.filter((n) => n.children.length === 0).map((n) => n.label),
      TEXTS,
    );
  });

  it("a hand-written op, groups and module paths, and an update with NaN beside the nodes", () => {
    const x = new Value(0.5, "x");
    const s = manualGrad("sigmoid", [x], 1 / (1 + Math.exp(-0.5)), [0.235], ([a]) => 1 / (1 + Math.exp(-a)));
    const model = new MLP(2, [3, 1], { seed: 1 });
    const out = model.forward([s, 2])[0];
    const trace = traceOf(mse([out], [1]));
    checkTrace(trace);
    assert.ok(trace.nodes.some((n) => n.custom) && trace.nodes.some((n) => n.module !== undefined) && trace.groups.length > 0);
    const withUpdate: Trace = { ...trace, update: { rule: "sgd", params: [{ id: trace.nodes[0].id, before: 1, after: NaN, grad: -0 }] } };
    same(withUpdate);
  });

  it("a trace not recorded (gradBefore null, no steps)", () => {
    const trace = traceOf(new Value(3, "a").mul(2));
    const loose: Trace = { ...trace, recorded: false, steps: [], nodes: trace.nodes.map((n) => ({ ...n, gradBefore: null })) };
    same(loose);
  });

  it("a node's field the columns do not know travels beside them, in its place", () => {
    const trace = traceOf(new Value(3, "a").mul(2));
    const { id, ...rest } = trace.nodes[0];
    const odd = { shape: [2, 3], id, ...rest, note: "🧠" };
    trace.nodes[0] = odd as unknown as Trace["nodes"][number];
    same(trace);
    assert.deepStrictEqual(Object.keys(roundTrip(trace).nodes[0]), Object.keys(odd));
  });

  it("an id that is not a whole number below 2^32: not encoded (it travels as objects)", () => {
    for (const id of [2 ** 32, -1, 1.5]) {
      const trace = traceOf(new Value(3, "a").mul(2));
      trace.nodes[0].id = id;
      assert.strictEqual(encodeTrace(trace), undefined, String(id));
    }
  });

  it("a step not as the columns expect: not encoded (it travels as objects)", () => {
    const trace = traceOf(new Value(3, "a").mul(2));
    (trace.steps[0] as unknown as Record<string, unknown>).extra = 1;
    assert.strictEqual(encodeTrace(trace), undefined);
  });

  it("optional fields are packed: only the nodes that have one take a place in its column", () => {
    const a = new Value(2, "a");
    const b = new Value(-3, "b");
    const trace = traceOf(a.mul(b).add(a).tanh());
    trace.nodes.forEach((n, i) => {
      delete n.loc;
      if (i % 2 === 0) n.loc = i === 0 ? { line: 7, column: 3, file: "lib.ts" } : { line: i, column: 2 * i };
      if (i === 1) n.numeric = -0;
    });
    const cols = encodeTrace(trace)!;
    assert.deepStrictEqual(
      { gb: cols.sizes.gb, loc: cols.sizes.loc, file: cols.sizes.file, num: cols.sizes.num },
      { gb: 0, loc: Math.ceil(trace.nodes.length / 2), file: 1, num: 1 },
      "grads of 0 before the pass take no column; a loc, a file and a numeric only where a node has one",
    );
    same(trace);
    // one grad of -0 before the pass: every grad before is kept
    trace.nodes[2].gradBefore = -0;
    assert.strictEqual(encodeTrace(trace)!.sizes.gb, trace.nodes.length);
    same(trace);
  });

  describe("steps worked out again from the nodes (stepReplay.ts)", () => {
    /** a two-layer net's loss after a pass that accumulated onto grads already there */
    function mlpTrace(): Trace {
      const model = new MLP(2, [3, 1], { seed: 5 });
      const xs = [
        [1, -2],
        [0.5, 3],
      ];
      const loss = () =>
        mse(
          xs.map((x) => model.forward(x)),
          [1, -1],
        );
      loss().backward(); // the next pass starts from these grads
      return traceOf(loss());
    }

    it("a recorded pass's steps stay out of the columns and come back the same, accumulated grads included", () => {
      const trace = mlpTrace();
      assert.ok(
        trace.nodes.some((n) => n.gradBefore !== 0 && n.gradBefore !== null),
        "some grads were there before the pass",
      );
      const cols = encodeTrace(trace)!;
      assert.strictEqual(cols.stepsReplayed, true);
      assert.strictEqual(cols.sizes.s, 0);
      assert.strictEqual(cols.sizes.u, 0);
      same(trace);
      // the steps were most of the bytes
      const kept = encodeTrace({ ...trace, steps: trace.steps.map((s) => ({ ...s, extra: 1 })) as Trace["steps"] });
      assert.strictEqual(kept, undefined, "a step with a field of its own is not encoded");
    });

    it("NaN, infinities and -0 in the steps come back as they were", () => {
      const a = new Value(-0, "a");
      const inf = a.mul(new Value(Infinity, "inf"));
      const trace = traceOf(inf.add(new Value(0, "z").log()).mul(-0));
      assert.ok(trace.steps.some((s) => s.updates.some((u) => Number.isNaN(u.after) || Object.is(u.local, -0))));
      assert.strictEqual(encodeTrace(trace)!.stepsReplayed, true);
      same(trace);
    });

    it("steps that are not the nodes' chain rule, by one bit, travel in the columns", () => {
      const trace = mlpTrace();
      const update = trace.steps[3].updates[0];
      const bits = new Float64Array([update.after]);
      new BigInt64Array(bits.buffer)[0] += 1n;
      update.after = bits[0];
      const cols = encodeTrace(trace)!;
      assert.strictEqual(cols.stepsReplayed, undefined);
      assert.strictEqual(cols.sizes.s, trace.steps.length);
      same(trace);
    });

    it("nodes out of topological order are not walked", () => {
      const trace = mlpTrace();
      const swapped = [...trace.nodes].reverse();
      assert.strictEqual(stepsFollow(swapped, trace.steps), false);
      assert.throws(() => replaySteps(swapped), /topological/);
    });
  });
});

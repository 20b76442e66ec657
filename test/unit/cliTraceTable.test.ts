// the terminal table of a trace.

import { strict as assert } from "node:assert";
import { Value, setRecording } from "../../src/engine";
import { NAME_MAX, formatNumber, formatTraceTable } from "../../src/cli/traceTable";
import { traceOf } from "./traceOf";

describe("formatNumber", () => {
  const cases: [number, string][] = [
    [0, "0"],
    [1, "1"],
    [-2.5, "-2.5"],
    [1 / 3, "0.333333"],
    [0.1 + 0.2, "0.3"],
    [123456.7, "123457"],
    [1e-7, "1e-7"],
    [-1.5e-5, "-1.5e-5"],
    [2.5e9, "2.5e+9"],
    [123456789, "1.23457e+8"],
    [NaN, "NaN"],
    [Infinity, "Infinity"],
    [-Infinity, "-Infinity"],
  ];
  for (const [x, s] of cases) it(`${x} -> ${s}`, () => assert.equal(formatNumber(x), s));
});

describe("formatTraceTable", () => {
  it("one row per update, aligned, with node, op, local and grad before -> after", () => {
    const a = new Value(2, "a");
    const b = new Value(-3, "b");
    const c = a.mul(b);
    c.label = "c";
    const L = c.add(a);
    L.label = "L";
    const text = formatTraceTable(traceOf(L));
    const lines = text.split("\n");
    assert.match(lines[0], new RegExp(`^backward call \\d+: root L#${L.id}, 4 values, 2 steps$`));
    assert.match(lines[1], /^step\s+node\s+op\s+upstream\s+child\s+local\s+grad before\s+after$/);
    assert.equal(lines.length, 6);
    const rows = lines.slice(2).map((l) => l.trim().split(/\s+/));
    assert.deepEqual(rows, [
      ["1", `L#${L.id}`, "+", "1", `c#${c.id}`, "1", "0", "->", "1"],
      [`a#${a.id}`, "1", "0", "->", "1"],
      ["2", `c#${c.id}`, "*", "1", `a#${a.id}`, "-3", "1", "->", "-2"],
      [`b#${b.id}`, "2", "0", "->", "2"],
    ]);
    // aligned: every "->" in the same column
    const arrows = lines.slice(2).map((l) => l.indexOf("->"));
    assert.equal(new Set(arrows).size, 1);
  });

  it("shows non-finite numbers by name and unlabelled values by id", () => {
    const x = new Value(0, "x");
    const y = x.log();
    const t = formatTraceTable(traceOf(y));
    assert.match(t, /Infinity/);
    assert.match(t, new RegExp(`#${y.id}\\s+log`));
  });

  it("shows an unlabelled leaf (a number the engine lifted) as its number", () => {
    const x = new Value(2, "x");
    const y = x.mul(3).add(-0.5);
    const [three, half] = [y.children[0].children[1], y.children[1]];
    const t = formatTraceTable(traceOf(y));
    assert.match(t, new RegExp(`#${y.id}\\s+\\+\\s+1\\s+#${y.children[0].id}\\s`));
    assert.ok(t.includes(` 3#${three.id} `), t);
    assert.ok(t.includes(` -0.5#${half.id} `), t);
  });

  it("warns about accumulated grads and says when a pass was not recorded", () => {
    const x = new Value(1, "x");
    const y = x.tanh();
    y.backward();
    assert.match(formatTraceTable(traceOf(y)), /note: some grads were not zero/);
    setRecording(false);
    try {
      assert.match(formatTraceTable(traceOf(y)), /not recorded/);
    } finally {
      setRecording(true);
    }
  });
});

describe("odd labels in the terminal table", () => {
  it("shows control characters escaped, so a label cannot drive the terminal", () => {
    const a = new Value(2, "\u001b]0;pwned\u0007");
    const b = new Value(3, "tab\there\nnext");
    const table = formatTraceTable(traceOf(a.mul(b)));
    // eslint-disable-next-line no-control-regex -- the check is for raw control characters
    assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f]/.test(table), "no raw control character");
    assert.ok(table.includes("\\x1b]0;pwned\\x07#"));
    assert.ok(table.includes("tab\\there\\nnext#"));
  });

  it("cuts a huge label, so the table stays the size of the graph", () => {
    const a = new Value(2, "x".repeat(1_000_000));
    const table = formatTraceTable(traceOf(a.mul(a).add(1)));
    assert.ok(table.length < 2000, `${table.length} characters`);
    assert.ok(table.includes(`${"x".repeat(NAME_MAX - 1)}…#`));
  });

  it("labels that are not strings become text, never a crash", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const odd: unknown[] = [
      cyclic,
      12n,
      () => 1,
      Symbol("s"),
      {
        toString: () => {
          throw new Error("no");
        },
      },
      undefined,
    ];
    const vs = odd.map((label, i) => {
      const v = new Value(i + 1);
      (v as unknown as { label: unknown }).label = label;
      return v;
    });
    const trace = traceOf(vs.reduce((s, v) => s.add(v)));
    const labels = trace.nodes.map((n) => n.label);
    for (const l of labels) assert.strictEqual(typeof l, "string");
    assert.ok(labels.includes("[object Object]") && labels.includes("12") && labels.includes("Symbol(s)") && labels.includes("[object]"));
    assert.doesNotThrow(() => formatTraceTable(trace));
  });
});

// the terminal table of a trace.

import { strict as assert } from "node:assert";
import { Value, setRecording } from "../../src/engine";
import { formatNumber, formatTraceTable } from "../../src/cli/traceTable";
import { traceOf } from "./traceOf";


describe("formatNumber", () => {
  const cases: [number, string][] = [
    [0, "0"], [1, "1"], [-2.5, "-2.5"], [1 / 3, "0.333333"], [0.1 + 0.2, "0.3"], [123456.7, "123457"],
    [1e-7, "1e-7"], [-1.5e-5, "-1.5e-5"], [2.5e9, "2.5e+9"], [123456789, "1.23457e+8"],
    [NaN, "NaN"], [Infinity, "Infinity"], [-Infinity, "-Infinity"],
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

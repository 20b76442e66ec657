// a tensor op drawn as one node: its shapes, and its numbers as a grid that keeps its size
import * as assert from "node:assert";
import type { TraceTensor } from "../../src/engine/types";
import { boxUnit } from "../../src/webview/unitSize";
import { cellText, CELL_CHARS, gridLines, shapeLine, shapeText } from "../../src/webview/tensorText";
import type { Box } from "../../src/webview/groupTree";

const matmul: TraceTensor = {
  op: "matmul",
  shape: [4, 4],
  label: "",
  values: Array.from({ length: 16 }, (_, i) => 100 + i),
  inputs: [
    { shape: [4, 2], label: "X", group: 1 },
    { shape: [2, 4], label: "W1", group: 2 },
  ],
};

describe("a tensor op as text", () => {
  it("shapes: [4×2]·[2×4] → [4×4], a broadcast add, a reduction, a number operand", () => {
    assert.strictEqual(shapeText([]), "[]");
    assert.strictEqual(shapeText([3]), "[3]");
    assert.strictEqual(shapeLine(matmul), "[4×2]·[2×4] → [4×4]");
    const add: TraceTensor = {
      ...matmul,
      op: "add",
      inputs: [
        { shape: [4, 4], label: "" },
        { shape: [4], label: "b1", broadcast: [0] },
      ],
    };
    assert.strictEqual(shapeLine(add), "[4×4] + [4] → [4×4]");
    const sum: TraceTensor = { ...matmul, op: "sum", shape: [4], axis: 0, inputs: [{ shape: [4, 4], label: "" }] };
    assert.strictEqual(shapeLine(sum), "sum over axis 0 [4×4] → [4]");
    const scale: TraceTensor = {
      ...matmul,
      op: "mul",
      inputs: [
        { shape: [4, 4], label: "" },
        { shape: [], label: "", number: 2 },
      ],
    };
    assert.strictEqual(shapeLine(scale), "[4×4] ⊙ 2 → [4×4]");
  });

  it("every cell has the same width, whatever its number: the box keeps its size at every step", () => {
    for (const x of [0, 1, -1, 0.5, -0.12345, 123.456, -98765.4, 1e-7, -3.2e-9, NaN, Infinity, -Infinity, undefined])
      assert.strictEqual(cellText(x).length, CELL_CHARS, String(x));
    assert.strictEqual(cellText(undefined).trim(), "?");
    assert.strictEqual(cellText(NaN).trim(), "NaN");
    assert.strictEqual(cellText(-0.12345).trim(), "-0.123");
  });

  it("a grid row by row up to 8×8, beyond that its min, max and mean", () => {
    const num = (id: number) => (id - 100) / 2;
    const lines = gridLines([4, 4], matmul.values, num, 15);
    assert.strictEqual(lines.length, 4);
    assert.deepStrictEqual(lines[1].trim().split(/\s+/u), ["2", "2.5", "3", "3.5"]);
    const big = Array.from({ length: 9 * 3 }, (_, i) => i);
    assert.deepStrictEqual(
      gridLines([9, 3], big, (id) => id - 10, 15)
        .slice(-2)
        .map((l) => l.replace(/\s+/g, " ")),
      ["min -10 max 16", "mean 3"],
    );
    // not computed yet (the forward pass before the op): question marks
    assert.deepStrictEqual(
      gridLines([2], [1, 2], () => undefined, 15),
      [cellText(undefined) + cellText(undefined)],
    );
  });

  it("the box is as wide as its grid and as tall as its rows", () => {
    const box = (tensor: TraceTensor): Box => ({
      key: 1,
      kind: "tensor",
      name: "X·W1",
      parent: 0,
      boxes: [],
      values: [],
      size: 16,
      outputs: [],
      tensor,
    });
    const four = boxUnit(box(matmul));
    const one = boxUnit(box({ ...matmul, shape: [4], values: matmul.values.slice(0, 4) }));
    assert.ok(four.h > one.h, "four rows are taller than one");
    assert.ok(four.w >= 4 * CELL_CHARS * 7, "four cells wide");
  });
});

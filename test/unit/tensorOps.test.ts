// every tensor op against pytorch float64 (test/fixtures/tensor-ops.json, made by
// test/torch/make_tensor_fixtures.py): values and grads of every register of every case, the
// broadcasting of every pair of shapes, matmul with vectors, the losses, a Linear; and the shape
// mistakes pytorch refuses, refused here with both shapes.

import { strict as assert } from "node:assert";
import { Linear, tensor, type TensorData } from "../../src/engine";
import fixture from "../fixtures/tensor-ops.json";
import { differs, runTensorCase, type TensorCase } from "./tensorProgram";

const cases = fixture.cases as unknown as TensorCase[];
const errors = fixture.errors as { name: string; op: string; a: number[]; b: number[] }[];

const text = (s: number[]) => `[${s.join(", ")}]`;

function transposed(g: unknown): TensorData | null {
  if (!Array.isArray(g) || !Array.isArray(g[0])) return g as TensorData | null;
  const rows = g as number[][];
  return rows[0].map((_, j) => rows.map((r) => r[j]));
}

describe("tensor ops against pytorch float64", () => {
  it("the fixture covers every op and every pair of shapes", () => {
    const ops = new Set(cases.flatMap((c) => c.program.map((s) => s[1])));
    for (const op of [
      "add",
      "sub",
      "mul",
      "div",
      "matmul",
      "transpose",
      "sum",
      "mean",
      "exp",
      "log",
      "tanh",
      "relu",
      "sigmoid",
      "pow",
      "neg",
      "mse",
      "bce",
      "sce",
      "linear",
    ]) {
      assert.ok(ops.has(op), op);
    }
    // 7 shapes, each pair either a case or a shape error, for each of the four elementwise ops
    for (const op of ["add", "sub", "mul", "div"]) {
      const pairs = cases.filter((c) => c.program.length === 1 && c.program[0][1] === op && !c.name.includes("number")).length;
      assert.strictEqual(pairs + errors.filter((e) => e.op === op).length, 49, op);
      assert.ok(pairs >= 25, `${op}: ${pairs} pairs broadcast`);
    }
  });

  for (const c of cases) {
    it(c.name, () => {
      const { regs, root } = runTensorCase(c);
      root.backward();
      // a transpose makes no values (its elements are its input's, reordered), so its grad is its
      // input's, every use of it included: pytorch's grad of the input, transposed
      const views = new Map(c.program.filter((s) => s[1] === "transpose").map((s) => [s[0] as string, s[2] as string]));
      for (const [name, t] of regs) {
        const d = differs(t.data, c.values[name], 1e-12, `${name}.data`);
        assert.strictEqual(d, null, d ?? "");
        const of = views.get(name);
        const want = of === undefined ? c.grads[name] : transposed(c.grads[of]);
        if (want === null) continue;
        const g = differs(t.grad, want, 1e-12, `${name}.grad`);
        assert.strictEqual(g, null, g ?? "");
      }
    });
  }

  describe("the shapes pytorch refuses are refused, with both shapes", () => {
    for (const e of errors) {
      it(e.name, () => {
        const a = tensor(
          e.a.length === 0
            ? 1
            : e.a.length === 1
              ? new Array<number>(e.a[0]).fill(1)
              : Array.from({ length: e.a[0] }, () => new Array<number>(e.a[1]).fill(1)),
        );
        const b = tensor(
          e.b.length === 0
            ? 1
            : e.b.length === 1
              ? new Array<number>(e.b[0]).fill(1)
              : Array.from({ length: e.b[0] }, () => new Array<number>(e.b[1]).fill(1)),
        );
        const message =
          e.op === "matmul"
            ? `matmul: ${text(e.a)} · ${text(e.b)}: inner sizes ${e.a[e.a.length - 1]} and ${e.b[0]} differ`
            : `${e.op}: shapes ${text(e.a)} and ${text(e.b)} do not broadcast`;
        assert.throws(() => (e.op === "matmul" ? a.matmul(b) : a[e.op as "add"](b)), { message });
      });
    }
  });

  it("Linear draws W [nin, nout] then b [nout] uniform in ±1/√nin, as the fixture's init", () => {
    const c = cases.find((x) => x.name === "linear: a batch [4, 3]")!;
    const l = new Linear(3, 2, { seed: 5 });
    assert.deepStrictEqual(l.W.data, c.inputs.W);
    assert.deepStrictEqual(l.b.data, c.inputs.b);
    assert.deepStrictEqual(l.W.shape, [3, 2]);
    // forward on a batch and on one sample: the fixture's numbers
    const batch = l.forward(tensor(c.inputs.x));
    assert.strictEqual(differs(batch.data, c.values.c), null);
    const one = cases.find((x) => x.name === "linear: one sample [3]")!;
    const single = l.forward(tensor(one.inputs.x));
    assert.deepStrictEqual(single.shape, [2]);
    assert.strictEqual(differs(single.data, one.values.c), null);
    assert.throws(() => l.forward(tensor([[1, 2]])), { message: "Linear expects inputs of shape [batch, 3] or [3], got [1, 2]" });
  });
});

// the engine against pytorch (float64): every register's value and grad of every program in
// test/fixtures/torch-reference.json, made by test/torch/make_reference.py.

import { strict as assert } from "node:assert";
import { reviveNumber } from "../../src/engine";
import reference from "../fixtures/torch-reference.json";
import source from "../fixtures/expressions.json";
import { close, runProgram, type Program } from "./engineProgram";

interface Reference extends Program {
  values: Record<string, number | string>;
  grads: Record<string, number | string>;
}

const refs = reference.expressions as unknown as Reference[];

describe("engine against pytorch float64", () => {
  it("the reference was made from the current expressions (re-run test/torch/make_reference.py)", () => {
    const strip = (e: Program) => ({ name: e.name, inputs: e.inputs, program: e.program });
    assert.deepEqual(refs.map(strip), (source.expressions as unknown as Program[]).map(strip));
    assert.ok(refs.length >= 30);
  });

  for (const ref of refs) {
    it(ref.name, () => {
      const { regs, root } = runProgram(ref);
      root.backward();
      for (const [name, v] of regs) {
        const want = reviveNumber(ref.values[name]) as number;
        const wantGrad = reviveNumber(ref.grads[name]) as number;
        assert.ok(close(v.data, want), `${name}.data = ${v.data}, torch ${want}`);
        assert.ok(close(v.grad, wantGrad), `${name}.grad = ${v.grad}, torch ${wantGrad}`);
      }
    });
  }

  it("micrograd's test_more_ops numbers", () => {
    const { regs, root } = runProgram(refs.find((r) => r.name === "micrograd test_more_ops")!);
    root.backward();
    assert.ok(close(root.data, 24.70408163265306));
    assert.ok(close(regs.get("a")!.grad, 138.83381924198252));
    assert.ok(close(regs.get("b")!.grad, 645.5772594752186));
  });
});

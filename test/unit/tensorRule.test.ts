// a tensor op's backward rule with the pass's numbers, on traces the real engine makes: what the
// op's scalar steps send each operand, added up, is dC · Bᵀ and Aᵀ · dC worked out here on their own;
// a broadcast bias gets dC summed over the batch axis
import * as assert from "node:assert";
import { tensor } from "../../src/engine";
import { groupTree } from "../../src/webview/groupTree";
import { tensorBoxOf, type TensorRule } from "../../src/webview/tensorRule";
import { factsOf } from "../../src/webview/runFacts";
import { traceOf } from "./traceOf";
import type { Trace } from "../../src/engine/trace";

const A = [
  [1, 2],
  [-0.5, 3],
  [0.25, -1],
];
const B = [
  [0.5, -1, 2],
  [1.5, 0.25, -2],
];
const bias = [0.1, -0.2, 0.3];
/** the loss's weights on C's elements: dC is exactly these */
const G = [
  [1, -2, 0.5],
  [3, 0.25, -1],
  [-0.75, 2, 1.5],
];

const T = (m: number[][]) => m[0].map((_, j) => m.map((r) => r[j]));
const mm = (a: number[][], b: number[][]) => a.map((r) => b[0].map((_, j) => r.reduce((s, x, k) => s + x * b[k][j], 0)));

function ruleOf(trace: Trace, op: string): TensorRule {
  const tree = groupTree(trace);
  const box = tree.boxes.find((b) => b.tensor?.op === op)!;
  assert.ok(box, `a box for ${op}`);
  // the box is found from any of its values, as the details find it from the step's node
  assert.strictEqual(tensorBoxOf(tree, box.tensor!.values[0])?.key, box.key);
  // as the page asks for it: from the trace's facts, once a box
  const facts = factsOf(trace);
  const rule = facts.ruleOf(facts.tree.boxes[box.key])!;
  assert.strictEqual(facts.ruleOf(facts.tree.boxes[box.key]), rule, "worked out once a box");
  return rule;
}

function close(actual: number[], expected: number[], what: string): void {
  assert.strictEqual(actual.length, expected.length, what);
  actual.forEach((x, i) => assert.ok(Math.abs(x - expected[i]) < 1e-12, `${what}[${i}]: ${x}, expected ${expected[i]}`));
}

describe("a tensor op's backward rule, with its numbers", () => {
  const build = () => {
    const a = tensor(A, "A");
    const b = tensor(B, "B");
    const c = a.matmul(b).add(tensor(bias, "b"));
    return c.mul(tensor(G, "G")).sum();
  };

  it("matmul: dA = dC · Bᵀ, dB = Aᵀ · dC, with the numbers the scalar steps sent", () => {
    const loss = build();
    const trace = traceOf(loss.values[0]);
    const rule = ruleOf(trace, "matmul");
    close(rule.dOut.values, G.flat(), "dC");
    const [dA, dB] = rule.terms;
    assert.strictEqual(dA.name, "dA");
    assert.match(dA.formula, /· Bᵀ$/);
    assert.match(dB.formula, /^Aᵀ · /);
    close(dA.grad.values, mm(G, T(B)).flat(), "dA");
    close(dB.grad.values, mm(T(A), G).flat(), "dB");
    assert.deepStrictEqual(dA.grad.shape, [3, 2]);
    // each sample's share of dB, A[i]ᵀ · dC[i], adds up to dB
    assert.strictEqual(rule.shares?.name, "dB");
    assert.strictEqual(rule.shares.samples.length, 3);
    close(
      rule.shares.samples[1].values,
      A[1].flatMap((x) => G[1].map((g) => x * g)),
      "sample 2's share",
    );
    const added = dB.grad.values.map((_, j) => rule.shares!.samples.reduce((acc, smp) => acc + smp.values[j], 0));
    close(added, dB.grad.values, "the shares added up");
  });

  it("a bias broadcast over the batch: db = dC summed over the batch axis", () => {
    const trace = traceOf(build().values[0]);
    const rule = ruleOf(trace, "add");
    assert.deepStrictEqual(rule.summed, [0]);
    const db = rule.terms.find((t) => t.name === "db")!;
    assert.match(db.formula, /summed over the batch axis/);
    close(
      db.grad.values,
      G[0].map((_, j) => G.reduce((s, r) => s + r[j], 0)),
      "db",
    );
    assert.deepStrictEqual(db.grad.shape, [3]);
  });

  it("an elementwise op: dX = dC ⊙ its derivative", () => {
    const x = tensor([0.5, -1, 2], "x");
    const s = x.sigmoid();
    const trace = traceOf(s.mul(tensor([1, 2, 3], "w")).sum().values[0]);
    const rule = ruleOf(trace, "sigmoid");
    const [dx] = rule.terms;
    assert.match(dx.formula, /⊙ .*\(1 − /);
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    close(
      dx.grad.values,
      [0.5, -1, 2].map((v, i) => (i + 1) * sig(v) * (1 - sig(v))),
      "dx",
    );
  });
});

// tensors in the trace: each op a group of kind "tensor" that says its op, shapes, element ids
// (row-major), operands (their groups, labels, broadcast axes); Tensor.manual against pytorch's
// autograd (test/fixtures/tensor-ops.json); and the numeric check, which runs a hand-written op's
// forward again, telling a right hand-written backward from a wrong one (scalar manualGrad too).

import { strict as assert } from "node:assert";
import {
  Linear,
  Tensor,
  Value,
  checkTrace,
  disagrees,
  manualGrad,
  mse,
  tensor,
  type NestedNumbers,
  type Trace,
  type TraceGroup,
} from "../../src/engine";
import { nameValue } from "../../src/engine/naming";
import fixture from "../fixtures/tensor-ops.json";
import { differs, type TensorCase } from "./tensorProgram";
import { traceOf as traceOfValue } from "./traceOf";

/** the trace of root's backward(), with its numeric check */
function traceOf(root: Value | Tensor): Trace {
  const trace = traceOfValue(root instanceof Tensor ? root.values[0] : root);
  checkTrace(trace);
  return trace;
}

const tensorGroups = (t: Trace) =>
  t.groups.filter((g): g is TraceGroup & { tensor: NonNullable<TraceGroup["tensor"]> } => g.tensor !== undefined);

type M = number[][];
const sig = (x: number) => 1 / (1 + Math.exp(-x));
const map = (a: NestedNumbers, f: (x: number, i: number, j: number) => number): M => (a as M).map((r, i) => r.map((x, j) => f(x, i, j)));
const dot = (a: M, b: M): M => a.map((row) => b[0].map((_, j) => row.reduce((s, x, k) => s + x * b[k][j], 0)));
const T = (a: M): M => a[0].map((_, j) => a.map((row) => row[j]));

/** the lesson's hand-written sigmoid; `wrong` writes s instead of s·(1 - s) */
function sigmoidByHand(x: Tensor, wrong = false): Tensor {
  return Tensor.manual(
    "sigmoid",
    [x],
    (x) => map(x, sig),
    (up, x) => [map(x, (v, i, j) => (up as M)[i][j] * (wrong ? sig(v) : sig(v) * (1 - sig(v))))],
  );
}

/** the lesson's hand-written Linear: dx = dout·Wᵀ, dW = xᵀ·dout, db = Σ dout */
function linearByHand(x: Tensor, W: Tensor, b: Tensor): Tensor {
  return Tensor.manual(
    "linear",
    [x, W, b],
    (x, W, b) => dot(x as M, W as M).map((row) => row.map((v, j) => v + (b as number[])[j])),
    (dout, x, W) => [dot(dout as M, T(W as M)), dot(T(x as M), dout as M), T(dout as M).map((c) => c.reduce((s, v) => s + v, 0))],
  );
}

describe("tensors in the trace", () => {
  it("each op is a group: op, shape, element ids row-major, operands with their groups and broadcast axes", () => {
    const X = tensor(
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      "X",
    );
    const W1 = tensor(
      [
        [0.1, -0.2],
        [0.3, 0.4],
      ],
      "W1",
    );
    const b1 = tensor([0.5, -0.5], "b1");
    const h = X.matmul(W1).add(b1).sigmoid();
    h.label = "h";
    const col = tensor([[1], [2], [3]], "col");
    const loss = h.mul(col).sum(0).pow(2).mean();
    const trace = traceOf(loss);
    const groups = tensorGroups(trace);
    const by = (name: string) => groups.find((g) => g.name === name)!;
    assert.deepStrictEqual(
      groups.map((g) => [g.tensor.op, g.name]),
      [
        ["tensor", "X"],
        ["tensor", "W1"],
        ["tensor", "b1"],
        ["matmul", "X·W1"],
        ["add", "X·W1 + b1"],
        ["sigmoid", "sigmoid(X·W1 + b1)"],
        ["tensor", "col"],
        ["mul", "h * col"],
        ["sum", "sum(h * col, axis 0)"],
        ["pow", "sum(h * col, axis 0)**2"],
        ["mean", "mean(sum(h * col, axis 0)**2)"],
      ],
    );
    assert.ok(groups.every((g) => g.kind === "tensor"));
    // a leaf tensor: its elements by id, row-major, named W1[i,j]
    const w = by("W1").tensor;
    assert.deepStrictEqual(w, { op: "tensor", shape: [2, 2], label: "W1", values: W1.values.map((v) => v.id), inputs: [] });
    const labels = new Map(trace.nodes.map((n) => [n.id, n.label]));
    assert.deepStrictEqual(
      w.values.map((id) => labels.get(id)),
      ["W1[0,0]", "W1[0,1]", "W1[1,0]", "W1[1,1]"],
    );
    // the matmul: its operands by their groups
    const mm = by("X·W1");
    assert.deepStrictEqual(mm.tensor.inputs, [
      { shape: [3, 2], label: "X", group: by("X").id },
      { shape: [2, 2], label: "W1", group: by("W1").id },
    ]);
    assert.deepStrictEqual(mm.tensor.shape, [3, 2]);
    // every output element's value is in the op's group; C[i,j] = X[i,0]·W1[0,j] + X[i,1]·W1[1,j]
    const nodes = new Map(trace.nodes.map((n) => [n.id, n]));
    mm.tensor.values.forEach((id, k) => {
      const n = nodes.get(id)!;
      assert.strictEqual(n.group, mm.id);
      const [i, j] = [Math.floor(k / 2), k % 2];
      const X0 = [1, 3, 5][i];
      assert.ok(Math.abs(n.data - (X0 * [0.1, -0.2][j] + (X0 + 1) * [0.3, 0.4][j])) < 1e-15);
    });
    // broadcasts: b1 [2] over the batch axis 0, col [3, 1] over axis 1
    assert.deepStrictEqual(by("X·W1 + b1").tensor.inputs[1], { shape: [2], label: "b1", group: by("b1").id, broadcast: [0] });
    assert.deepStrictEqual(by("X·W1 + b1").tensor.inputs[0].broadcast, undefined);
    assert.deepStrictEqual(by("h * col").tensor.inputs[1].broadcast, [1]);
    assert.strictEqual(by("sigmoid(X·W1 + b1)").tensor.label, "h");
    assert.strictEqual(by("sum(h * col, axis 0)").tensor.axis, 0);
    assert.strictEqual(by("sum(h * col, axis 0)**2").tensor.exponent, 2);
    assert.deepStrictEqual(by("mean(sum(h * col, axis 0)**2)").tensor.shape, []);
    // b1's grad is the add's output grad summed over the batch axis
    const add = by("X·W1 + b1").tensor.values.map((id) => nodes.get(id)!.grad);
    assert.ok(Math.abs((b1.grad as number[])[0] - (add[0] + add[2] + add[4])) < 1e-15);
  });

  it("a number operand is one leaf of the op's group; a transpose makes no values, and its group is there", () => {
    const A = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    nameValue(A, "A"); // as the runner names `const A = tensor(…)`
    const S = A.matmul(A.transpose()).mul(2).sum();
    const trace = traceOf(S);
    const groups = tensorGroups(trace);
    const tr = groups.find((g) => g.tensor.op === "transpose")!;
    assert.strictEqual(tr.name, "Aᵀ");
    assert.deepStrictEqual(tr.tensor.shape, [3, 2]);
    const a = A.values.map((v) => v.id);
    assert.deepStrictEqual(tr.tensor.values, [a[0], a[3], a[1], a[4], a[2], a[5]]);
    assert.ok(!trace.nodes.some((n) => n.group === tr.id), "no value of its own");
    const mul = groups.find((g) => g.tensor.op === "mul")!;
    assert.strictEqual(mul.name, "A·Aᵀ * 2");
    assert.deepStrictEqual(mul.tensor.inputs[1], { shape: [], label: "", number: 2, broadcast: [0, 1] });
    const two = trace.nodes.filter((n) => n.group === mul.id && n.children.length === 0);
    assert.deepStrictEqual(
      two.map((n) => n.data),
      [2],
    );
    assert.strictEqual(trace.nodes.find((n) => n.id === a[1])!.label, "A[0,1]");
  });

  it("a Linear's parameters are in its module's group, each call in a call group", () => {
    const l = new Linear(2, 3, { seed: 1, name: "L1", weight: "W1", bias: "b1" });
    const loss = l.forward(tensor([[1, 2]])).sum();
    const trace = traceOf(loss);
    const byId = new Map(trace.groups.map((g) => [g.id, g]));
    const w = tensorGroups(trace).find((g) => g.tensor.label === "W1")!;
    assert.strictEqual(byId.get(w.parent!)!.kind, "layer");
    assert.strictEqual(byId.get(w.parent!)!.call, null, "the parameters' group");
    const mm = tensorGroups(trace).find((g) => g.tensor.op === "matmul")!;
    assert.strictEqual(byId.get(mm.parent!)!.call, 1, "the first call's group");
    assert.strictEqual(w.module, "L1");
  });

  it("a tensor prints as its numbers: JSON, String, console.log", () => {
    const t = tensor([[1, 2]], "t");
    t.mul(2);
    assert.strictEqual(JSON.stringify(t), '{"shape":[1,2],"label":"t","data":[[1,2]]}');
    assert.strictEqual(String(t), "Tensor(t, shape [1, 2], data [[1,2]])");
  });

  it("a scalar script's trace carries no tensor fields", () => {
    const a = new Value(2, "a");
    const trace = traceOf(a.mul(3).tanh());
    assert.ok(trace.groups.every((g) => g.tensor === undefined));
    assert.ok(trace.nodes.every((n) => n.numericLocals === undefined));
  });
});

describe("Tensor.manual against pytorch's autograd", () => {
  const c = (fixture.cases as unknown as TensorCase[]).find((x) => x.name === "two layers: sigmoid(X·W1 + b1)·W2 + b2, mse")!;
  const leaves = () => Object.fromEntries(Object.entries(c.inputs).map(([k, v]) => [k, tensor(v, k)]));

  it("linear and sigmoid by hand: values and grads as pytorch's", () => {
    const p = leaves();
    const h = linearByHand(p.X, p.W1, p.b1);
    const s = sigmoidByHand(h);
    const o = linearByHand(s, p.W2, p.b2);
    const L = mse(o, p.y);
    L.mul(tensor(c.weights)).sum().backward();
    for (const [name, t] of Object.entries({ h, s, o, L })) assert.strictEqual(differs(t.data, c.values[name]), null, name);
    for (const name of ["W1", "b1", "W2", "b2", "X"]) assert.strictEqual(differs(p[name].grad, c.grads[name]), null, `${name}.grad`);
    assert.strictEqual(differs(o.grad, c.grads.o), null, "o.grad");
  });

  it("the numeric check runs the hand-written forwards: a right backward agrees, a wrong one is caught", () => {
    for (const wrong of [false, true]) {
      const p = leaves();
      const loss = mse(linearByHand(sigmoidByHand(linearByHand(p.X, p.W1, p.b1), wrong), p.W2, p.b2), p.y);
      const trace = traceOf(loss);
      const params = trace.nodes.filter((n) => /^(W1|b1)\[/.test(n.label));
      assert.strictEqual(params.length, 12);
      for (const n of params) {
        assert.ok(n.numeric !== undefined && !n.linearized, `${n.label} checked by re-running the forwards`);
        assert.strictEqual(disagrees(n.grad, n.numeric), wrong, `${n.label}: grad ${n.grad}, numeric ${n.numeric}`);
      }
      // the right one's numeric derivative is pytorch's grad
      if (!wrong) {
        const L = loss.item();
        assert.ok(Math.abs(L - (c.values.L as number)) < 1e-12);
      }
    }
  });

  it("a backward that gives the wrong number of grads or shapes is the user's mistake, said plainly", () => {
    const x = tensor([1, 2], "x");
    assert.throws(
      () =>
        Tensor.manual(
          "f",
          [x],
          (x) => x,
          () => [],
        ),
      { message: 'Tensor.manual("f"): backward must return one gradient per input (1), got 0' },
    );
    assert.throws(
      () =>
        Tensor.manual(
          "f",
          [x],
          (x) => x,
          () => [[1, 2, 3]],
        ),
      { message: `Tensor.manual("f"): backward's gradient 0 has shape [3], its input has shape [2]` },
    );
  });
});

describe("a scalar manualGrad given its forward", () => {
  for (const wrong of [false, true]) {
    it(wrong ? "a wrong hand-written local is caught by the numeric check" : "a right one agrees, checked, not linearised", () => {
      const x = new Value(0.5, "x");
      const forward = ([v]: readonly number[]) => 1 / (1 + Math.exp(-v));
      const s = forward([x.data]);
      const y = manualGrad("sigmoid (manual)", [x], s, [wrong ? s : s * (1 - s)], forward);
      const trace = traceOf(y.mul(y));
      const leaf = trace.nodes.find((n) => n.label === "x")!;
      assert.strictEqual(leaf.linearized, undefined);
      assert.strictEqual(disagrees(leaf.grad, leaf.numeric!), wrong);
      const truth = 2 * s * s * (1 - s);
      assert.ok(Math.abs(leaf.numeric! - truth) < 1e-8, `numeric ${leaf.numeric}, d(s²)/dx ${truth}`);
    });
  }

  it("without a forward the check can only linearise with the op's locals, and says so", () => {
    const x = new Value(0.5, "x");
    const s = 1 / (1 + Math.exp(-0.5));
    const trace = traceOf(manualGrad("sigmoid (manual)", [x], s, [s]));
    const leaf = trace.nodes.find((n) => n.label === "x")!;
    assert.strictEqual(leaf.linearized, true);
    assert.strictEqual(disagrees(leaf.grad, leaf.numeric!), false, "agrees by construction");
  });
});

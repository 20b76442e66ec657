// every op: value against the plain formula, grads against central finite differences of that
// formula (independent of the engine), locals as recorded, op names and children.

import { strict as assert } from "node:assert";
import { Value } from "../../src/engine";
import { POW, evalOp } from "../../src/engine/ops";
import { close } from "./engineProgram";

interface OpCase {
  op: string;
  /** the formula in plain numbers */
  f: (a: number, b: number) => number;
  build: (a: Value, b: Value) => Value;
  /** the op name the node shows */
  name: string;
  binary: boolean;
  points: [number, number][];
}

const sig = (x: number) => 1 / (1 + Math.exp(-x));

const cases: OpCase[] = [
  {
    op: "add",
    name: "+",
    binary: true,
    f: (a, b) => a + b,
    build: (a, b) => a.add(b),
    points: [
      [1.5, -2.25],
      [0, 3],
    ],
  },
  {
    op: "sub",
    name: "-",
    binary: true,
    f: (a, b) => a - b,
    build: (a, b) => a.sub(b),
    points: [
      [1.5, -2.25],
      [-4, 0.5],
    ],
  },
  {
    op: "mul",
    name: "*",
    binary: true,
    f: (a, b) => a * b,
    build: (a, b) => a.mul(b),
    points: [
      [1.5, -2.25],
      [0.1, 7],
    ],
  },
  {
    op: "div",
    name: "/",
    binary: true,
    f: (a, b) => a / b,
    build: (a, b) => a.div(b),
    points: [
      [1.5, -2.25],
      [3, 0.4],
    ],
  },
  { op: "rsub", name: "-", binary: true, f: (a, b) => b - a, build: (a, b) => a.rsub(b), points: [[1.5, -2.25]] },
  { op: "rdiv", name: "/", binary: true, f: (a, b) => b / a, build: (a, b) => a.rdiv(b), points: [[1.5, -2.25]] },
  {
    op: "pow 2",
    name: "**2",
    binary: false,
    f: (a) => a ** 2,
    build: (a) => a.pow(2),
    points: [
      [-1.3, 0],
      [2, 0],
    ],
  },
  {
    op: "pow 3",
    name: "**3",
    binary: false,
    f: (a) => a ** 3,
    build: (a) => a.pow(3),
    points: [
      [0.9, 0],
      [-2, 0],
    ],
  },
  {
    op: "pow -1",
    name: "**-1",
    binary: false,
    f: (a) => a ** -1,
    build: (a) => a.pow(-1),
    points: [
      [2.5, 0],
      [-0.5, 0],
    ],
  },
  {
    op: "pow 0.5",
    name: "**0.5",
    binary: false,
    f: (a) => a ** 0.5,
    build: (a) => a.pow(0.5),
    points: [
      [2, 0],
      [0.3, 0],
    ],
  },
  {
    op: "neg",
    name: "neg",
    binary: false,
    f: (a) => -a,
    build: (a) => a.neg(),
    points: [
      [0.3, 0],
      [-7, 0],
    ],
  },
  {
    op: "exp",
    name: "exp",
    binary: false,
    f: (a) => Math.exp(a),
    build: (a) => a.exp(),
    points: [
      [1.25, 0],
      [-3, 0],
    ],
  },
  {
    op: "log",
    name: "log",
    binary: false,
    f: (a) => Math.log(a),
    build: (a) => a.log(),
    points: [
      [0.4, 0],
      [12, 0],
    ],
  },
  {
    op: "tanh",
    name: "tanh",
    binary: false,
    f: (a) => Math.tanh(a),
    build: (a) => a.tanh(),
    points: [
      [0.88, 0],
      [-2, 0],
    ],
  },
  {
    op: "relu",
    name: "relu",
    binary: false,
    f: (a) => Math.max(0, a),
    build: (a) => a.relu(),
    points: [
      [2.5, 0],
      [-1.5, 0],
    ],
  },
  {
    op: "sigmoid",
    name: "sigmoid",
    binary: false,
    f: sig,
    build: (a) => a.sigmoid(),
    points: [
      [0.5, 0],
      [-4, 0],
      [20, 0],
    ],
  },
];

/** central difference of f in its i-th argument */
function slope(f: (a: number, b: number) => number, p: [number, number], i: number): number {
  const h = 1e-6 * Math.max(1, Math.abs(p[i]));
  const up: [number, number] = [p[0], p[1]];
  const down: [number, number] = [p[0], p[1]];
  up[i] += h;
  down[i] -= h;
  return (f(...up) - f(...down)) / (2 * h);
}

describe("engine ops", () => {
  for (const c of cases) {
    for (const p of c.points) {
      it(`${c.op} at (${c.binary ? p.join(", ") : p[0]})`, () => {
        const a = new Value(p[0], "a");
        const b = new Value(p[1], "b");
        const y = c.build(a, b);
        assert.ok(close(y.data, c.f(p[0], p[1]), 1e-14), `data ${y.data} vs ${c.f(p[0], p[1])}`);
        assert.equal(y.op, c.name);
        // gradCheck re-runs graphs with evalOp: it must give exactly the data the op computed
        const [x0, x1] = y.children.map((ch) => ch.data);
        assert.equal(evalOp(y._code, x0, x1 ?? 0, y._code === POW ? Number(y.op.slice(2)) : 0), y.data);
        y.backward();
        assert.equal(y.grad, 1);
        assert.ok(close(a.grad, slope(c.f, p, 0), 1e-7, 1e-9), `d/da ${a.grad} vs ${slope(c.f, p, 0)}`);
        if (c.binary) assert.ok(close(b.grad, slope(c.f, p, 1), 1e-7, 1e-9), `d/db ${b.grad} vs ${slope(c.f, p, 1)}`);
        // the locals are what backward multiplied with (upstream is 1 at the root)
        const grads = y.children.map((ch) => (ch === a ? a.grad : b.grad));
        assert.deepEqual([...y.locals], grads);
      });
    }
  }

  it("numbers become leaves; the node keeps its children in order", () => {
    const x = new Value(2, "x");
    const y = x.sub(5);
    assert.equal(y.data, -3);
    assert.equal(y.children.length, 2);
    assert.equal(y.children[0], x);
    assert.equal(y.children[1].data, 5);
    assert.equal(y.children[1].op, "");
    assert.deepEqual([...y.locals], [1, -1]);
    const z = new Value(3).rsub(2); // 2 - 3
    assert.equal(z.data, -1);
    assert.equal(z.children[0].data, 2);
  });

  it("a value used twice is a child twice", () => {
    const a = new Value(-3, "a");
    const y = a.mul(a);
    assert.deepEqual(y.children, [a, a]);
    y.backward();
    assert.equal(a.grad, -6);
  });

  it("leaves have op '' and no children; ids increase and are unique", () => {
    const a = new Value(1);
    const b = new Value(2);
    const c = a.add(b);
    assert.equal(a.op, "");
    assert.deepEqual(a.children, []);
    assert.deepEqual(a.locals, []);
    assert.ok(a.id < b.id && b.id < c.id);
    assert.ok(Number.isInteger(a.id));
  });

  it("label is settable; module and loc default to undefined", () => {
    const a = new Value(1, "a");
    a.label = "renamed";
    assert.equal(a.label, "renamed");
    assert.equal(new Value(1).label, "");
    assert.equal(a.module, undefined);
    assert.equal(a.loc, undefined);
    assert.equal(String(a), "Value(label=renamed, data=1, grad=0)");
  });

  it("says what was wrong instead of computing NaN from a non-number", () => {
    const x = new Value(1);
    const xs: number[] = [1, 2];
    assert.throws(() => x.mul(xs[2]), /expected a Value or a number, got undefined/);
    assert.throws(() => x.add("2" as unknown as number), /got string 2/);
    assert.throws(() => x.pow(new Value(2) as unknown as number), /pow takes a number exponent/);
  });

  it("non-finite results stay IEEE numbers", () => {
    assert.equal(new Value(0).log().data, -Infinity);
    assert.equal(new Value(1).div(0).data, Infinity);
    assert.ok(Number.isNaN(new Value(-1).pow(0.5).data));
    assert.equal(new Value(1000).exp().data, Infinity);
    assert.equal(new Value(-1000).sigmoid().data, 0);
    assert.equal(new Value(1000).tanh().data, 1);
  });
});

// the engine's fast backward (topo.ts, backward.ts) against micrograd's textbook one
// (referenceBackward.ts) on real graphs: every grad within 1e-12 relative, after one pass and after
// two, with recording off and on; and each recorded step's upstream is the reference's d(root)/d(node).

import { strict as assert } from "node:assert";
import {
  MLP,
  Neuron,
  Value,
  iris,
  manualGrad,
  mean,
  mse,
  setBackwardListener,
  setRecording,
  softmaxCrossEntropy,
  topoOrder,
  twoMoons,
  xor,
  type BackwardCall,
} from "../../src/engine";
import { referenceBackward } from "../../src/engine/referenceBackward";
import { hingeOnSix } from "./lessonTraces";

const TOL = 1e-12;

function close(got: number, want: number): boolean {
  return got === want || Math.abs(got - want) <= TOL * Math.max(Math.abs(got), Math.abs(want));
}

interface Case {
  name: string;
  build: () => Value;
}

/** a hand-written sigmoid, as the manual-grad lesson writes it */
function sigmoidByHand(x: Value): Value {
  const s = 1 / (1 + Math.exp(-x.data));
  return manualGrad("sigmoid*", [x], s, [s * (1 - s)]);
}

const cases: Case[] = [
  {
    name: "a neuron (the lecture's)",
    build: () => new Neuron(2, { seed: 3 }).forward([1, -2])[0],
  },
  {
    name: "MLP(2, [4, 1]) on xor, mse",
    build: () => {
      const m = new MLP(2, [4, 1], { seed: 1 });
      const d = xor();
      return mse(
        d.X.map((x) => m.forward(x)),
        d.y,
      );
    },
  },
  {
    name: "MLP(2, [3, 1]) with relu, hinge loss",
    build: () => hingeOnSix(new MLP(2, [3, 1], { seed: 2, activation: "relu" })),
  },
  {
    name: "MLP(2, [16, 16, 1]) on 100 two-moons points, mse (the bench's step)",
    build: () => {
      const m = new MLP(2, [16, 16, 1], { seed: 42 });
      const d = twoMoons(100, 0.1, 1);
      return mse(
        d.X.map((x) => m.forward(x)),
        d.y,
      );
    },
  },
  {
    name: "MLP(4, [8, 3]) on iris, softmax cross-entropy (exp, log, div)",
    build: () => {
      const m = new MLP(4, [8, 3], { seed: 2 });
      const d = iris();
      return mean(d.X.slice(0, 30).map((x, i) => softmaxCrossEntropy(m.forward(x), d.y[i])));
    },
  },
  {
    name: "a value used twice (a * a, and a in two branches)",
    build: () => {
      const a = new Value(0.7, "a");
      const b = a.mul(a);
      return b.add(a.tanh()).mul(a.add(3));
    },
  },
  {
    name: "pow, div, log, relu, sigmoid, exp, neg, sub",
    build: () => {
      const x = new Value(1.3, "x");
      const y = new Value(-0.4, "y");
      const p = x.pow(3).div(y.pow(2).add(1)); // pow, div
      const q = x.log().sub(y.relu()).add(y.neg().relu()); // log, relu on both sides of 0
      const r = x.mul(y).sigmoid().mul(y.exp()).pow(-0.5); // sigmoid, exp, a negative power
      return p.add(q).mul(r).div(x.rdiv(2)).rsub(1);
    },
  },
  {
    name: "manualGrad ops: a hand-written sigmoid, a child passed twice, an op with no children",
    build: () => {
      const x = new Value(0.5, "x");
      const y = new Value(-1.5, "y");
      const s = sigmoidByHand(x.mul(y));
      const both = manualGrad("x*x+y", [x, x, y], x.data * x.data + y.data, [x.data, x.data, 1]);
      const konst = manualGrad("const", [], 2, []);
      return s.mul(both).add(konst).add(sigmoidByHand(both).tanh());
    },
  },
];

/** the grads of root's graph after `passes` backward() calls, by the engine and by the reference */
function both(build: () => Value, passes: number, recording: boolean) {
  const root = build();
  const order = topoOrder(root);
  const start = order.map((v) => v.grad);
  let upstream = new Map<Value, number>();
  for (let p = 0; p < passes; p++) upstream = referenceBackward(root);
  const want = order.map((v) => v.grad);

  order.forEach((v, i) => (v.grad = start[i]));
  const calls: BackwardCall[] = [];
  setBackwardListener((c) => calls.push(c));
  setRecording(recording);
  try {
    for (let p = 0; p < passes; p++) root.backward();
  } finally {
    setRecording(true);
    setBackwardListener(null);
  }
  const got = order.map((v) => v.grad);
  return { order, want, got, upstream, last: calls[calls.length - 1] };
}

describe("backward against micrograd's reference", () => {
  for (const c of cases) {
    for (const passes of [1, 2]) {
      for (const recording of [false, true]) {
        it(`${c.name}: ${passes === 1 ? "one pass" : "two passes"}, recording ${recording ? "on" : "off"}`, function () {
          this.timeout(20000);
          const { order, want, got, upstream, last } = both(c.build, passes, recording);
          assert.ok(order.length > 1);
          for (let i = 0; i < order.length; i++) {
            const v = order[i];
            assert.ok(close(got[i], want[i]), `${v.label || v.op} (#${v.id}): grad ${got[i]}, reference ${want[i]}`);
          }
          if (passes === 1) for (let i = 0; i < order.length; i++) assert.equal(got[i], want[i], "one pass from 0 is bit-identical");
          if (!recording) {
            assert.equal(last.steps, null);
            return;
          }
          // the recorded pass: each step's upstream is d(root)/d(node), and its last update lands on the final grad
          const byId = new Map(order.map((v) => [v.id, v]));
          for (const s of last.steps!) {
            const want = upstream.get(byId.get(s.node)!)!;
            assert.ok(close(s.upstream, want), `step #${s.node}: upstream ${s.upstream}, reference ${want}`);
          }
        });
      }
    }
  }

  it("the reference on its own: d = 2a(a + 3) gives dd/da = 4a + 6, and twice doubles it", () => {
    const a = new Value(0.5, "a");
    const d = a.mul(2).mul(a.add(3));
    referenceBackward(d);
    assert.equal(a.grad, 4 * 0.5 + 6);
    assert.equal(d.grad, 1);
    referenceBackward(d);
    assert.equal(a.grad, 2 * (4 * 0.5 + 6));
  });

  it("a sort numbers its values: each mark minus the first's is the value's position, however sorts interleave", () => {
    const a = new Value(2, "a");
    const b = new Value(-3, "b");
    const shared = a.mul(b);
    const left = shared.add(a).tanh();
    const right = shared.mul(shared).add(b);
    for (const root of [left, right, left, shared, right]) {
      const order = topoOrder(root);
      const base = order[0]._mark;
      order.forEach((v, i) => assert.equal(v._mark - base, i));
      assert.equal(new Set(order).size, order.length, "each value once");
      assert.equal(order[order.length - 1], root);
    }
    // the chain rule finds each value's slot by its mark: right after a sort of another graph
    // that shares values, it still matches the reference
    referenceBackward(left);
    const want = [a, b, shared].map((v) => v.grad);
    for (const v of [a, b, shared, left]) v.grad = 0;
    topoOrder(right);
    left.backward();
    assert.deepEqual(
      [a, b, shared].map((v) => v.grad),
      want,
    );
  });
});

// the update after a backward() call (engine/update.ts): which leaves moved, by which rule, and
// the optimizer's own numbers, checked against sgd and adam written out here on plain numbers.
import { strict as assert } from "node:assert";
import { Adam, SGD, Value } from "../../src/engine";
import { setBackwardListener, type BackwardCall } from "../../src/engine/recorder";
import { endUpdateWatch, quietly, watchUpdate, type UpdateWatch } from "../../src/engine/update";
import type { ParamUpdate, UpdateRecord } from "../../src/engine/types";

/** a small loss of two parameters and an input: (w0·x + w1² - 1)² + w0·w1 */
function lossOf(w0: Value, w1: Value, x: Value): Value {
  return w0.mul(x).add(w1.mul(w1)).sub(1).pow(2).add(w0.mul(w1));
}

interface Seen {
  /** each param's data and grad right after each backward(), read here */
  data: number[][];
  grad: number[][];
  /** the watched update of each call */
  updates: (UpdateRecord | undefined)[];
}

/**
 * `steps` training steps on lossOf: forward, zero grads, backward, then `update(params, step)`;
 * every call's update is watched, as the runner watches the call it may draw
 */
function train(steps: number, update: (ps: Value[], x: Value, step: number) => void): { ps: Value[]; x: Value; seen: Seen } {
  const ps = [new Value(0.5, "w0"), new Value(-1.2, "w1")];
  const x = new Value(3, "x");
  const seen: Seen = { data: [], grad: [], updates: [] };
  const watches: UpdateWatch[] = [];
  setBackwardListener((c: BackwardCall) => watches.push(watchUpdate(c)));
  try {
    for (let s = 0; s < steps; s++) {
      const loss = lossOf(ps[0], ps[1], x);
      for (const p of [...ps, x]) p.grad = 0;
      loss.backward();
      seen.data.push(ps.map((p) => p.data));
      seen.grad.push(ps.map((p) => p.grad));
      update(ps, x, s);
    }
  } finally {
    endUpdateWatch();
    setBackwardListener(null);
  }
  seen.updates = watches.map((w) => w.result());
  return { ps, x, seen };
}

function close(actual: number | undefined, expected: number, what: string, tol = 1e-12): void {
  assert.ok(
    actual !== undefined && Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)),
    `${what}: ${actual}, expected ${expected}`,
  );
}

const byId = (u: UpdateRecord | undefined, p: Value): ParamUpdate | undefined => u?.params.find((q) => q.id === p.id);

describe("the update after a backward() call", () => {
  describe("sgd, against p -= lr·v, v = momentum·v + grad written out here", () => {
    const cases: [string, number, number][] = [
      ["plain sgd", 0.1, 0],
      ["sgd with momentum 0.9", 0.05, 0.9],
      ["sgd with momentum 0.5", 0.2, 0.5],
    ];
    for (const [name, lr, momentum] of cases) {
      it(`${name}: every step's before, after, grad (and velocity), lr and momentum`, () => {
        let opt: SGD | undefined;
        const { ps, seen } = train(4, (params) => (opt ??= new SGD(params, { lr, momentum })).step());
        const velocity = ps.map(() => 0);
        seen.updates.forEach((u, s) => {
          assert.ok(u, `call ${s} has an update`);
          assert.equal(u.rule, "sgd");
          assert.equal(u.lr, lr);
          assert.equal(u.momentum, momentum);
          assert.deepEqual(
            u.params.map((p) => p.id),
            ps.map((p) => p.id),
            "both parameters, by id; the input x did not move",
          );
          ps.forEach((p, i) => {
            const g = seen.grad[s][i];
            velocity[i] = momentum * velocity[i] + g;
            const rec = byId(u, p)!;
            assert.equal(rec.before, seen.data[s][i], "before: the data backward ran with");
            assert.equal(rec.grad, g, "grad: right after backward");
            close(rec.after, seen.data[s][i] - lr * (momentum === 0 ? g : velocity[i]), `call ${s} ${p.label} after`);
            if (momentum === 0) assert.equal(rec.velocity, undefined);
            else close(rec.velocity, velocity[i], `call ${s} ${p.label} velocity`);
            assert.equal(rec.script, undefined);
          });
        });
      });
    }
  });

  it("adam, against a plain adam written here: m, v, m̂, v̂, the step and the data after it, over 5 steps", () => {
    const [lr, beta1, beta2, eps] = [0.05, 0.9, 0.999, 1e-8];
    let opt: Adam | undefined;
    const { ps, seen } = train(5, (params) => (opt ??= new Adam(params, { lr })).step());
    const m = [0, 0];
    const v = [0, 0];
    seen.updates.forEach((u, s) => {
      const t = s + 1;
      assert.ok(u);
      assert.deepEqual(
        { rule: u.rule, lr: u.lr, beta1: u.beta1, beta2: u.beta2, eps: u.eps, t: u.t },
        { rule: "adam", lr, beta1, beta2, eps, t },
      );
      ps.forEach((p, i) => {
        const g = seen.grad[s][i];
        m[i] = beta1 * m[i] + (1 - beta1) * g;
        v[i] = beta2 * v[i] + (1 - beta2) * g * g;
        const mHat = m[i] / (1 - beta1 ** t);
        const vHat = v[i] / (1 - beta2 ** t);
        const step = (lr * mHat) / (Math.sqrt(vHat) + eps);
        const rec = byId(u, p)!;
        const what = `step ${t} ${p.label}`;
        assert.equal(rec.before, seen.data[s][i]);
        assert.equal(rec.grad, g);
        close(rec.m, m[i], `${what} m`);
        close(rec.v, v[i], `${what} v`);
        close(rec.mHat, mHat, `${what} m̂`);
        close(rec.vHat, vHat, `${what} v̂`);
        close(rec.step, step, `${what} step`, 1e-10);
        close(rec.after, seen.data[s][i] - step, `${what} after`, 1e-10);
        // the next call ran with the data this step left
        if (s + 1 < seen.data.length) assert.equal(seen.data[s + 1][i], rec.after);
      });
    });
  });

  const lr = 0.1;
  const byHand = (ps: Value[]) => ps.forEach((p) => (p.data -= lr * p.grad));

  const cases: {
    name: string;
    update: (ps: Value[], x: Value, step: number) => void;
    check: (u: UpdateRecord | undefined, s: Seen, ps: Value[], x: Value) => void;
  }[] = [
    {
      name: "the script's own p.data -= lr·p.grad: rule script, after = before - lr·grad",
      update: byHand,
      check: (u, s, ps) => {
        assert.equal(u?.rule, "script");
        assert.equal(u.lr, undefined, "a script's rule has no numbers of its own");
        ps.forEach((p, i) => {
          const rec = byId(u, p)!;
          assert.deepEqual(rec, { id: p.id, before: s.data[1][i], after: s.data[1][i] - lr * s.grad[1][i], grad: s.grad[1][i] });
        });
      },
    },
    {
      name: "an optimizer on one parameter and the script on the other: rule sgd, the other flagged script",
      update: (ps) => {
        new SGD([ps[0]], { lr }).step();
        ps[1].data -= lr * ps[1].grad;
      },
      check: (u, s, ps) => {
        assert.equal(u?.rule, "sgd");
        assert.equal(byId(u, ps[0])!.script, undefined);
        assert.deepEqual(byId(u, ps[1]), {
          id: ps[1].id,
          before: s.data[1][1],
          after: s.data[1][1] - lr * s.grad[1][1],
          grad: s.grad[1][1],
          script: true,
        });
      },
    },
    {
      name: "a leaf the script moved after the optimizer: after is where the script left it, flagged script",
      update: (ps) => {
        new SGD(ps, { lr }).step();
        ps[0].data += 1;
      },
      check: (u, s, ps) => {
        assert.equal(u?.rule, "sgd");
        assert.deepEqual(byId(u, ps[0]), {
          id: ps[0].id,
          before: s.data[1][0],
          after: s.data[1][0] - lr * s.grad[1][0] + 1,
          grad: s.grad[1][0],
          script: true,
        });
        assert.equal(byId(u, ps[1])!.script, undefined);
      },
    },
    {
      name: "an input leaf set for the next sample is the script's too (any leaf whose data changed)",
      update: (_, x, step) => (x.data = 4 + step), // the next sample's input
      check: (u, s, _ps, x) => {
        const [w0, w1] = s.data[1];
        const dx = 2 * (w0 * 4 + w1 * w1 - 1) * w0; // d loss / dx at x = 4, by hand
        assert.equal(u?.rule, "script");
        assert.equal(u.params.length, 1);
        const rec = byId(u, x)!;
        assert.deepEqual([rec.before, rec.after], [4, 5]);
        close(rec.grad, dx, "x's grad");
      },
    },
    {
      name: "an assignment after the next graph's first value is not this call's update",
      update: (ps) => {
        void new Value(0);
        byHand(ps);
      },
      check: (u) => assert.equal(u, undefined),
    },
    {
      name: "values made quietly (a picture of the model) do not end the window",
      update: (ps) => {
        quietly(() => lossOf(ps[0], ps[1], new Value(1)));
        byHand(ps);
      },
      check: (u, s, ps) => assert.equal(byId(u, ps[0])?.after, s.data[1][0] - lr * s.grad[1][0]),
    },
    {
      name: "an optimizer's step after an evaluation forward still counts, until the next backward()",
      update: (ps, x) => {
        lossOf(ps[0], ps[1], x); // an evaluation: the next graph's first value
        new SGD(ps, { lr }).step();
      },
      check: (u, s, ps) => {
        assert.equal(u?.rule, "sgd");
        ps.forEach((p, i) => assert.equal(byId(u, p)!.after, s.data[1][i] - lr * s.grad[1][i]));
      },
    },
    {
      name: "an optimizer step that moves nothing (all grads 0): rule sgd, no params",
      update: (ps) => {
        for (const p of ps) p.grad = 0;
        new SGD(ps, { lr }).step();
      },
      check: (u) => assert.deepEqual(u, { rule: "sgd", lr, momentum: 0, params: [] }),
    },
    {
      name: "nothing moved: no update",
      update: () => {},
      check: (u) => assert.equal(u, undefined),
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const { ps, x, seen } = train(2, c.update);
      c.check(seen.updates[1], seen, ps, x);
    });
  }

  it("a graph backpropagated twice: the first call's update ends at the second backward(), with nothing moved", () => {
    const w = new Value(2, "w");
    const y = w.mul(w);
    const watches: UpdateWatch[] = [];
    setBackwardListener((c) => watches.push(watchUpdate(c)));
    try {
      y.backward();
      y.backward();
      w.data = 5;
    } finally {
      endUpdateWatch();
      setBackwardListener(null);
    }
    assert.equal(watches[0].result(), undefined);
    assert.deepEqual(watches[1].result(), { rule: "script", params: [{ id: w.id, before: 2, after: 5, grad: 8 }] });
  });
});

// the evaluator of a recorded graph (evaluator.ts) against the engine itself, on every lesson's
// network and every expression program: its forward gives each recorded value, its chain rule
// micrograd's reference grads (accumulated too) and the recorded steps, a changed leaf what the
// graph built again with that leaf gives, and a nudge what forward gives with the leaf nudged.

import { strict as assert } from "node:assert";
import {
  MLP,
  Neuron,
  Value,
  hingeLoss,
  iris,
  l2,
  manualGrad,
  mean,
  mse,
  softmaxCrossEntropy,
  topoOrder,
  twoMoons,
  xor,
} from "../../src/engine";
import { Evaluator } from "../../src/engine/evaluator";
import { referenceBackward } from "../../src/engine/referenceBackward";
import source from "../fixtures/expressions.json";
import { runProgram, type Program } from "./engineProgram";
import { hingeOnSix } from "./lessonTraces";
import { traceOf } from "./traceOf";

/** equal, NaN included */
const same = (a: number, b: number) => Object.is(a, b) || a === b || (Number.isNaN(a) && Number.isNaN(b));
const close = (a: number, b: number, rel = 1e-12) => same(a, b) || Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b));

/** assert.ok with the message made only on failure: the loops below assert ~100,000 times */
function holds(ok: boolean, say: () => string): void {
  if (!ok) assert.fail(say());
}

interface Case {
  name: string;
  build: () => Value;
  /** has a hand-written op: the graph cannot be built again with the Value methods */
  handWritten?: boolean;
}

/** a hand-written sigmoid, as manual-grad.ts writes it (no forward formula) */
function sigmoidByHand(x: Value): Value {
  const s = 1 / (1 + Math.exp(-x.data));
  return manualGrad("sigmoid (manual)", [x], s, [s * (1 - s)]);
}

/** examples/*.ts: each lesson's graph, one step of it for the training loops */
const lessons: Case[] = [
  {
    name: "lecture.ts: L = (a·b + c)·f",
    build: () => new Value(2, "a").mul(new Value(-3, "b")).add(new Value(10, "c")).mul(new Value(-2, "f")),
  },
  {
    name: "chain-rule.ts: z = w2·(w1·x1 + b1) + b2",
    build: () => new Value(-3, "w2").mul(new Value(0.5, "w1").mul(new Value(2, "x1")).add(new Value(1, "b1"))).add(new Value(4, "b2")),
  },
  {
    name: "neuron.ts: tanh(x1·w1 + x2·w2 + b)",
    build: () => {
      const [x1, x2, w1, w2] = [new Value(2, "x1"), new Value(0, "x2"), new Value(-3, "w1"), new Value(1, "w2")];
      return x1.mul(w1).add(x2.mul(w2)).add(new Value(6.8813735870195432, "b")).tanh();
    },
  },
  { name: "a Neuron module called once (lessonTraces.ts neuronTrace)", build: () => new Neuron(2, { seed: 3 }).output([1, -2]) },
  {
    name: "used-twice.ts: c = a·(a + a)",
    build: () => {
      const a = new Value(3, "a");
      return a.mul(a.add(a));
    },
  },
  { name: "backward-twice.ts: tanh(x·w)", build: () => new Value(2, "x").mul(new Value(-1.5, "w")).tanh() },
  {
    name: "manual-grad.ts: a hand-written sigmoid beside a composed one",
    handWritten: true,
    build: () => sigmoidByHand(new Value(0.5, "x (manual)")).add(new Value(1).div(new Value(0.5, "x (auto)").neg().exp().add(1))),
  },
  {
    name: "tiny-dataset.ts: MLP(3, [4, 4, 1]), tanh out, mse",
    build: () => {
      const m = new MLP(3, [4, 4, 1], { activation: "tanh", lastActivation: "tanh", seed: 1 });
      const xs = [
        [2, 3, -1],
        [3, -1, 0.5],
        [0.5, 1, 1],
        [1, 1, -1],
      ];
      return mse(
        xs.map((x) => m.forward(x)[0]),
        [1, -1, -1, 1],
      );
    },
  },
  {
    name: "xor.ts: MLP(2, [4, 1]), mse",
    build: () => {
      const m = new MLP(2, [4, 1], { seed: 1 });
      const d = xor();
      return mse(
        d.X.map((x) => m.forward(x)[0]),
        d.y,
      );
    },
  },
  {
    name: "the hinge lesson: MLP(2, [3, 1]) relu on six samples",
    build: () => hingeOnSix(new MLP(2, [3, 1], { seed: 2, activation: "relu" })),
  },
  {
    name: "iris.ts: MLP(4, [8, 3]), softmax cross-entropy on 30 samples",
    build: () => {
      const m = new MLP(4, [8, 3], { seed: 2 });
      const d = iris();
      return mean(d.X.slice(0, 30).map((x, i) => softmaxCrossEntropy(m.forward(x), d.y[i])));
    },
  },
  {
    name: "minibatch.ts: MLP(2, [16, 16, 1]) relu, hinge + l2 on a batch of 10",
    build: () => {
      const m = new MLP(2, [16, 16, 1], { activation: "relu", seed: 3 });
      const d = twoMoons(100, 0.1, 1);
      const batch = [3, 14, 15, 92, 65, 35, 89, 79, 32, 38];
      return hingeLoss(
        batch.map((i) => m.forward(d.X[i])[0]),
        batch.map((i) => (d.y[i] === 1 ? 1 : -1)),
      ).add(l2(m.parameters(), 1e-4));
    },
  },
  {
    name: "moons.ts: MLP(2, [16, 16, 1]) relu, hinge + l2 on 100 points",
    build: () => {
      const m = new MLP(2, [16, 16, 1], { activation: "relu", seed: 3 });
      const d = twoMoons(100, 0.1, 1);
      return hingeLoss(
        d.X.map((x) => m.forward(x)[0]),
        d.y.map((y) => (y === 1 ? 1 : -1)),
      ).add(l2(m.parameters(), 1e-4));
    },
  },
];

/** test/fixtures/expressions.json: every op, values used twice, NaN and infinities */
const programs: Case[] = (source.expressions as unknown as Program[]).map((p) => ({
  name: `program "${p.name}"`,
  build: () => runProgram(p).root,
}));

const cases = [...lessons, ...programs];

/** the leaves the per-leaf tests take: all of them, or of a big graph the first, the last and a few between */
function leavesOf(graph: Evaluator): number[] {
  const all = graph.leaves();
  if (graph.size < 2000) return all;
  return [0, 1, 7, all.length >> 1, all.length - 2, all.length - 1].map((k) => all[k]);
}

/** the graph of `order` made again by the engine's own Value methods, leaves from leafData; by position */
function rebuild(order: readonly Value[], leafData: (i: number) => number): Value[] {
  const at = new Map(order.map((v, i) => [v, i]));
  const made: Value[] = [];
  for (let i = 0; i < order.length; i++) {
    const v = order[i];
    const [a, b] = v.children.map((c) => made[at.get(c)!]);
    made.push(v.children.length === 0 ? new Value(leafData(i), v.label) : apply(v.op, a, b));
  }
  return made;
}

function apply(op: string, a: Value, b: Value | undefined): Value {
  if (op.startsWith("**")) return a.pow(Number(op.slice(2)));
  const ops: Record<string, () => Value> = {
    "+": () => a.add(b!),
    "-": () => a.sub(b!),
    "*": () => a.mul(b!),
    "/": () => a.div(b!),
    neg: () => a.neg(),
    exp: () => a.exp(),
    log: () => a.log(),
    tanh: () => a.tanh(),
    relu: () => a.relu(),
    sigmoid: () => a.sigmoid(),
  };
  assert.ok(op in ops, `no Value method for op ${op}`);
  return ops[op]();
}

describe("the evaluator of a recorded graph", () => {
  describe("forward gives each recorded value", () => {
    for (const c of cases) {
      it(c.name, function () {
        this.timeout(20000);
        const root = c.build();
        // from live values
        const order = topoOrder(root);
        const live = Evaluator.fromOrder(order).forward();
        assert.ok(order.length > 1);
        order.forEach((v, i) => holds(same(live.values[i], v.data), () => `#${v.id} ${v.op}: ${live.values[i]} vs ${v.data}`));
        assert.strictEqual(live.linearized, false, "nothing changed, so nothing was linearised");
        // from the trace of its backward pass
        const trace = traceOf(root);
        const recorded = Evaluator.fromTrace(trace).forward();
        assert.strictEqual(recorded.values.length, trace.nodes.length);
        trace.nodes.forEach((n, i) =>
          holds(same(recorded.values[i], n.data), () => `#${n.id} ${n.op}: ${recorded.values[i]} vs ${n.data}`),
        );
      });
    }
  });

  describe("the chain rule gives micrograd's reference grads, accumulated too", () => {
    for (const c of cases) {
      it(c.name, function () {
        this.timeout(20000);
        const root = c.build();
        const order = topoOrder(root);
        const graph = Evaluator.fromOrder(order);
        const once = graph.chainRule(graph.data);
        const want = referenceBackward(root);
        order.forEach((v, i) => {
          holds(close(once.upstream[i], want.get(v)!), () => `#${v.id} ${v.op}: ${once.upstream[i]} vs reference ${want.get(v)}`);
          assert.ok(same(once.grad[i], once.upstream[i]), "from zero grads, grad is the upstream");
        });
        // a second pass on top of the first one's grads, as backward() twice without zeroGrad
        const held = Float64Array.from(order, (v) => v.grad);
        const twice = graph.chainRule(graph.data, { gradBefore: held });
        referenceBackward(root);
        // the reference adds each pass's total, the chain rule each share (as backward does): where
        // shares cancel to about 0 the two round apart by an ulp of the shares, not of the sum
        const scale = order.reduce((m, v) => (Number.isFinite(v.grad) ? Math.max(m, Math.abs(v.grad)) : m), 0);
        order.forEach((v, i) => {
          const ok = close(twice.grad[i], v.grad) || Math.abs(twice.grad[i] - v.grad) <= 1e-14 * scale;
          holds(ok, () => `#${v.id} ${v.op}: ${twice.grad[i]} vs reference ${v.grad} (twice)`);
        });
        assert.strictEqual(twice.grad[order.length - 1], 2, "the root's grad, 1 a pass");
      });
    }
  });

  describe("the chain rule on a trace makes the recorded pass again: grads, locals and steps", () => {
    for (const c of cases) {
      for (const passes of [1, 2]) {
        it(`${c.name}, ${passes === 1 ? "one pass" : "after a pass already ran (accumulated)"}`, function () {
          this.timeout(20000);
          const root = c.build();
          if (passes === 2) root.backward();
          const trace = traceOf(root);
          assert.strictEqual(trace.accumulated, passes === 2);
          const graph = Evaluator.fromTrace(trace);
          const gradBefore = trace.nodes.map((n) => n.gradBefore ?? 0);
          const r = graph.chainRule(graph.forward().values, { gradBefore, record: true });
          trace.nodes.forEach((n, i) => {
            holds(same(r.grad[i], n.grad), () => `#${n.id} ${n.op}: grad ${r.grad[i]} vs ${n.grad}`);
            const locals = r.locals.subarray(graph.kidStart[i], graph.kidStart[i + 1]);
            holds(
              locals.length === n.locals.length && n.locals.every((l, j) => same(locals[j], l)),
              () => `#${n.id} ${n.op}: locals ${locals}`,
            );
          });
          // step by step: deepStrictEqual takes seconds on 60,000 steps
          const steps = r.steps!;
          assert.ok(trace.steps.length > 0);
          assert.strictEqual(steps.length, trace.steps.length);
          trace.steps.forEach((want, k) => {
            const got = steps[k];
            holds(
              got.node === want.node && same(got.upstream, want.upstream),
              () => `step ${k}: #${got.node} ${got.upstream}, recorded #${want.node} ${want.upstream}`,
            );
            assert.strictEqual(got.updates.length, want.updates.length);
            want.updates.forEach((u, j) => {
              const g = got.updates[j];
              const ok = g.child === u.child && same(g.local, u.local) && same(g.before, u.before) && same(g.after, u.after);
              holds(ok, () => `step ${k} update ${j}: ${JSON.stringify(g)}, recorded ${JSON.stringify(u)}`);
            });
          });
        });
      }
    }
  });

  describe("a changed leaf gives what the graph built again with that leaf's data gives", () => {
    for (const c of cases.filter((c) => !c.handWritten)) {
      it(c.name, function () {
        this.timeout(20000);
        const order = topoOrder(c.build());
        const graph = Evaluator.fromOrder(order);
        const leaves = leavesOf(graph);
        assert.ok(leaves.length > 0);
        for (const leaf of leaves) {
          const x = 1.5 * order[leaf].data - 0.25;
          const { values, linearized } = graph.forward(new Map([[order[leaf].id, x]]));
          const { grad } = graph.chainRule(values);
          assert.strictEqual(linearized, false);
          const again = rebuild(order, (i) => (i === leaf ? x : order[i].data));
          again[again.length - 1].backward();
          again.forEach((v, i) => {
            holds(same(values[i], v.data), () => `leaf ${leaf} = ${x}, #${order[i].id} ${v.op}: ${values[i]} vs ${v.data}`);
            holds(same(grad[i], v.grad), () => `leaf ${leaf} = ${x}, #${order[i].id} ${v.op}: grad ${grad[i]} vs ${v.grad}`);
          });
        }
      });
    }
  });

  describe("a nudge works out only the leaf's cone, and gives what forward gives with the leaf nudged", () => {
    for (const c of cases) {
      it(c.name, function () {
        this.timeout(20000);
        const trace = traceOf(c.build());
        const graph = Evaluator.fromTrace(trace);
        const nudger = graph.nudger();
        const root = graph.size - 1;
        const leaves = leavesOf(graph);
        for (const leaf of leaves) {
          for (const dx of [1e-3, -0.5]) {
            const x = graph.data[leaf] + dx;
            const seen = { linearized: false };
            const got = nudger.rootWith(leaf, x, seen);
            const want = graph.forward(new Map([[graph.ids[leaf], x]]));
            holds(same(got, want.values[root]), () => `leaf #${graph.ids[leaf]} + ${dx}: ${got} vs ${want.values[root]}`);
            assert.strictEqual(seen.linearized, want.linearized);
          }
        }
        // and puts the cone back: the root as recorded, with no leaf changed
        assert.ok(same(nudger.rootWith(leaves[0], graph.data[leaves[0]], { linearized: false }), trace.nodes[root].data));
      });
    }
  });

  describe("slopes carried through post-dominators: every value a relay gives the full recomputation's numbers", () => {
    for (const c of cases) {
      it(c.name, function () {
        this.timeout(20000);
        const trace = traceOf(c.build());
        const graph = Evaluator.fromTrace(trace);
        // relayDepth 0: every value that post-dominates a leaf carries the slope (as on a long chain)
        const relayed = graph.slopes(graph.data, 1e-6, 0).finish();
        const full = graph.slopes(graph.data, 1e-6, Infinity).finish();
        // the default: a lesson's graph is far shallower than RELAY_DEPTH, so it is the full recomputation, bit for bit
        const lesson = graph.slopes().finish();
        assert.ok(relayed.evaluated <= full.evaluated, `${relayed.evaluated} values worked out, ${full.evaluated} by the root`);
        for (const leaf of graph.leaves()) {
          const want = full.slopeOf(leaf);
          const got = relayed.slopeOf(leaf);
          const ok = close(got.numeric, want.numeric, 1e-6) || Math.abs(got.numeric - want.numeric) <= 1e-6;
          holds(ok, () => `leaf #${graph.ids[leaf]}: ${got.numeric} relayed, ${want.numeric} by the root`);
          assert.strictEqual(got.linearized, want.linearized);
          holds(same(lesson.slopeOf(leaf).numeric, want.numeric), () => `leaf #${graph.ids[leaf]}: ${lesson.slopeOf(leaf).numeric}`);
        }
      });
    }
  });

  describe("a hand-written op", () => {
    const x0 = 0.3;
    const sig = (x: number) => 1 / (1 + Math.exp(-x));
    const s = sig(x0);
    /** y = 2·sigmoid*(x) by manualGrad, with or without its forward formula */
    const build = (withForward: boolean) => {
      const x = new Value(x0, "x");
      const y = manualGrad("sigmoid*", [x], s, [s * (1 - s)], withForward ? (xs) => sig(xs[0]) : undefined).mul(2);
      return { x, y, order: topoOrder(y) };
    };
    const table = [
      { name: "with a forward formula: worked out exactly", withForward: true, want: (x: number) => 2 * sig(x), linearized: false },
      {
        name: "without one: linearised with its recorded local, and said so",
        withForward: false,
        want: (x: number) => 2 * (s + s * (1 - s) * (x - x0)),
        linearized: true,
      },
    ];
    for (const t of table) {
      it(t.name, () => {
        const { x, order } = build(t.withForward);
        const graph = Evaluator.fromOrder(order);
        const root = graph.size - 1;
        assert.strictEqual(graph.forward().linearized, false, "unchanged, it needs neither");
        assert.strictEqual(graph.forward().values[root], 2 * s);
        const changed = graph.forward(new Map([[x.id, 1.1]]));
        assert.strictEqual(changed.linearized, t.linearized);
        assert.ok(close(changed.values[root], t.want(1.1)), `${changed.values[root]} vs ${t.want(1.1)}`);
        // the chain rule reads the recorded local, wherever the values are
        const { upstream } = graph.chainRule(changed.values);
        assert.ok(close(upstream[0], 2 * s * (1 - s)), `${upstream[0]}`);
        const slope = graph.nudger(changed.values).slope(0, 1e-6);
        assert.strictEqual(slope.linearized, t.linearized);
        const exact = 2 * sig(1.1) * (1 - sig(1.1));
        assert.ok(close(slope.numeric, t.withForward ? exact : 2 * s * (1 - s), 1e-8), `slope ${slope.numeric}`);
      });
    }

    it("in a trace, which carries no forward formula, is linearised", () => {
      const { x, y } = build(true);
      const graph = Evaluator.fromTrace(traceOf(y));
      const changed = graph.forward(new Map([[x.id, 1.1]]));
      assert.strictEqual(changed.linearized, true);
      assert.ok(close(changed.values[graph.size - 1], 2 * (s + s * (1 - s) * 0.8)));
    });

    it("with a child twice and one with no children: a childless op is a leaf, a twice-used child gets both shares", () => {
      const a = new Value(1.5, "a");
      const sq = manualGrad("a*a", [a, a], a.data * a.data, [a.data, a.data]);
      const konst = manualGrad("const", [], 2, []);
      const out = sq.mul(konst);
      const order = topoOrder(out);
      const graph = Evaluator.fromOrder(order);
      assert.deepStrictEqual(
        order.map((v, i) => graph.isLeaf(i)),
        [true, false, true, false],
      );
      assert.deepStrictEqual(Array.from(graph.forward().values), [1.5, 2.25, 2, 4.5]);
      assert.deepStrictEqual(Array.from(graph.chainRule(graph.data).upstream), [2 * 1.5 * 2, 2, 2.25, 1]);
      const nudged = graph.forward(new Map([[a.id, 2]]));
      assert.strictEqual(nudged.linearized, true);
      assert.strictEqual(nudged.values[3], (2.25 + 1.5 * 0.5 + 1.5 * 0.5) * 2);
    });
  });

  it("refuses an order that is not the latest sort (positions are read from the sort's marks)", () => {
    const a = new Value(2, "a");
    const y = a.mul(3).tanh();
    const order = topoOrder(y);
    topoOrder(a.add(1));
    assert.throws(() => Evaluator.fromOrder(order), /latest topoOrder/);
    assert.strictEqual(Evaluator.fromOrder(topoOrder(y)).forward().values[3], Math.tanh(6));
  });
});

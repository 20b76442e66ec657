// step over / into / out on hand-built box chains, and the page's boxes (on the step's path,
// opening a graph to fit) on traces the real engine makes
import * as assert from "node:assert";
import { MLP, mse, tensor, type Trace } from "../../src/engine";
import { pathOf, type GroupTree } from "../../src/webview/groupTree";
import { backOp, opStops, stepInto, stepOp, stepOut, stepOver, type StepBoxes } from "../../src/webview/navigation";
import { project } from "../../src/webview/projection";
import { OPEN_BUDGET, openToFit, viewOf } from "../../src/webview/openBoxes";
import { factsOf } from "../../src/webview/runFacts";
import { saved } from "../../src/webview/state";
import { update } from "../../src/webview/update";
import { goTo, pageOf, shown } from "./pageOf";
import { traceOf } from "./traceOf";
import { hingeTrace, neuronTrace, xorTrace } from "./lessonTraces";

//   step:  0    1    2      3      4      5    6    7      8
//   box:   -    1    1>2    1>2    1>3    1    4    4>5    -
// (box 1 a sample, 2 and 3 its neurons; box 4 the loss, 5 a term; - the whole graph)
const nested: StepBoxes = { chains: [[], [1], [1, 2], [1, 2], [1, 3], [1], [4], [4, 5], []] };

// box 1 is left and entered again: its runs are steps 1-2 and 4
const reentered: StepBoxes = { chains: [[], [1], [1], [], [1], []] };

// one box the whole way, and a flat pass with no boxes
const single: StepBoxes = { chains: [[7], [7], [7]] };
const flat: StepBoxes = { chains: [[], [], []] };
const empty: StepBoxes = { chains: [] };

type Row = { p: number; over: number; into: number; out: number; why: string };

const tables: { name: string; s: StepBoxes; rows: Row[] }[] = [
  {
    name: "nested boxes",
    s: nested,
    rows: [
      { p: 0, over: 1, into: 2, out: 9, why: "before the first step: over runs the root's step; into stops at the first step in box 1" },
      { p: 1, over: 6, into: 2, out: 9, why: "the next step enters box 1: over runs all of it" },
      { p: 2, over: 4, into: 3, out: 6, why: "in box 1, the next enters box 2: over finishes box 2; out finishes box 1" },
      { p: 3, over: 4, into: 5, out: 4, why: "in box 2: the next is in box 2 too (+1); into skips to box 3; out finishes box 2" },
      { p: 4, over: 5, into: 5, out: 6, why: "at the end of box 2: out finishes the box around it, box 1" },
      { p: 5, over: 6, into: 7, out: 6, why: "in box 3: into skips to box 4, past the rest of box 1" },
      { p: 6, over: 8, into: 7, out: 9, why: "at the end of box 1, nothing around it: out runs to the end" },
      { p: 7, over: 8, into: 8, out: 8, why: "in box 4, the next enters box 5" },
      { p: 8, over: 9, into: 9, out: 9, why: "the last step is in no box" },
      { p: 9, over: 9, into: 9, out: 9, why: "done: everything clamps at total" },
    ],
  },
  {
    name: "a box entered twice",
    s: reentered,
    rows: [
      { p: 1, over: 3, into: 2, out: 6, why: "over stops at the end of the contiguous run, not the box's last step" },
      { p: 2, over: 3, into: 5, out: 3, why: "into: the next step is in box 1 already; the first new entry is step 4" },
      { p: 3, over: 4, into: 5, out: 6, why: "out of box 1's first run" },
      { p: 4, over: 5, into: 5, out: 6, why: "over from the whole graph into box 1's second run" },
      { p: 5, over: 6, into: 6, out: 6, why: "out of the second run" },
    ],
  },
  {
    name: "one box the whole way",
    s: single,
    rows: [
      { p: 0, over: 3, into: 1, out: 3, why: "over enters the box and runs it all" },
      { p: 1, over: 2, into: 3, out: 3, why: "inside: over is +1, into finds no new box" },
      { p: 2, over: 3, into: 3, out: 3, why: "" },
      { p: 3, over: 3, into: 3, out: 3, why: "done" },
    ],
  },
  {
    name: "no boxes",
    s: flat,
    rows: [0, 1, 2].map((p) => ({ p, over: p + 1, into: 3, out: 3, why: "over is one step; into and out run to the end" })),
  },
  {
    name: "no steps",
    s: empty,
    rows: [{ p: 0, over: 0, into: 0, out: 0, why: "an empty pass" }],
  },
];

describe("navigation", () => {
  for (const t of tables) {
    describe(t.name, () => {
      for (const r of t.rows) {
        it(`at ${r.p}: over ${r.over}, into ${r.into}, out ${r.out}${r.why ? ` (${r.why})` : ""}`, () => {
          assert.strictEqual(stepOver(t.s, r.p), r.over, "stepOver");
          assert.strictEqual(stepInto(t.s, r.p), r.into, "stepInto");
          assert.strictEqual(stepOut(t.s, r.p), r.out, "stepOut");
        });
      }
    });
  }

  it("past the end, over and into clamp to total", () => {
    for (const p of [10, 12]) {
      assert.strictEqual(stepOver(nested, p), 9);
      assert.strictEqual(stepInto(nested, p), 9);
    }
  });

  // stepOut(p > total) throws: currentChain reads chains[p - 1], undefined past the end, then .length
  it("past the end, out clamps to total", () => {
    assert.strictEqual(stepOut(nested, 12), 9);
  });

  it("every move goes forward (or stays at the end) and never past total", () => {
    for (const t of tables) {
      const total = t.s.chains.length;
      for (let p = 0; p <= total; p++) {
        for (const move of [stepOver, stepInto, stepOut]) {
          const q = move(t.s, p);
          assert.ok(q <= total, `${t.name} ${move.name}(${p}) <= total`);
          assert.ok(p === total ? q === total : q > p, `${t.name} ${move.name}(${p}) moves on`);
        }
      }
    }
  });
});

// ---- session ----

/** MLP(2,[2,1]) called once with mse on one sample: a small graph with nested boxes */
function smallTrace(): Trace {
  const m = new MLP(2, [2, 1], { seed: 5 });
  return traceOf(mse([m.forward([0.5, -1])[0]], [1]));
}

/** how many things a view with these boxes open draws (ghosts aside), as openToFit counts them */
function drawn(trace: Trace, tree: GroupTree, expanded: Set<number>): number {
  return project(trace, tree, expanded, new Set()).units.filter((u) => !(u.kind === "value" && u.ghost)).length;
}

describe("the page's boxes and steps", () => {
  for (const [name, make] of [
    ["xor", xorTrace],
    ["hinge", hingeTrace],
    ["neuron", neuronTrace],
  ] as const) {
    it(`${name}: a step's chain is the path of its node`, () => {
      const trace = make();
      const s = factsOf(trace);
      assert.strictEqual(s.chains.chains.length, trace.steps.length);
      trace.steps.forEach((st, i) => assert.deepStrictEqual([...s.chains.chains[i]], pathOf(s.tree, st.node)));
      // spans: each box's steps lie between its first and last, and both ends are in the box
      for (const [k, span] of s.spans) {
        assert.ok(span.first <= span.last);
        for (const i of [span.first, span.last]) assert.ok(s.holding(trace.steps[i].node).includes(k), `box ${k} holds step ${i}`);
        trace.steps.forEach((st, i) => {
          if (s.holding(st.node).includes(k)) assert.ok(i >= span.first && i <= span.last);
        });
      }
    });

    it(`${name}: at every position the focus is drawn as itself`, () => {
      const trace = make();
      const f = factsOf(trace);
      let s = pageOf(trace);
      for (let p = 0; p <= f.total; p++) {
        s = goTo(s, p);
        const view = viewOf(f, shown(s));
        const focus = f.focus(p);
        const u = view.units[view.unitOf.get(focus)!];
        assert.ok(u.kind === "value" && u.id === focus && !u.ghost, `position ${p}`);
      }
    });

    it(`${name}: stepping over from the start reaches the end, box by box`, () => {
      const trace = make();
      const s = factsOf(trace);
      let p = 0;
      let moves = 0;
      while (p < s.total) {
        const q = stepOver(s.chains, p);
        assert.ok(q > p);
        p = q;
        moves++;
      }
      assert.strictEqual(p, trace.steps.length);
      if (name !== "neuron") assert.ok(moves < trace.steps.length / 2, "over skips whole boxes");
    });
  }

  it("closing a box on the step's path keeps it closed until the step leaves it", () => {
    const trace = xorTrace();
    const f = factsOf(trace);
    // a step inside a neuron of a sample
    const i = trace.steps.findIndex((st) => f.holding(st.node).length >= 3);
    let s = goTo(pageOf(trace), i + 1);
    const focus = f.focus(i + 1);
    const neuron = f.holding(focus)[0];
    assert.ok(shown(s).opened.includes(neuron));
    s = update(s, { type: "toggleBox", key: neuron });
    assert.ok(!shown(s).opened.includes(neuron), "closed on request");
    assert.deepStrictEqual(shown(s).collapsed, [neuron]);
    const view = viewOf(f, shown(s));
    assert.strictEqual(view.units[view.unitOf.get(focus)!].kind, "box", "the focus is behind its closed box");
    // a step within the box keeps it closed
    const within = trace.steps.findIndex((st, k) => k > i && f.holding(st.node).includes(neuron));
    if (within >= 0) assert.ok(!shown(goTo(s, within + 1)).opened.includes(neuron), "still closed while the step is in it");
    // leave the box: the request is forgotten
    const j = trace.steps.findIndex((st) => !f.holding(st.node).includes(neuron));
    s = goTo(s, j + 1);
    assert.deepStrictEqual(shown(s).collapsed, []);
    s = update(s, { type: "find", id: focus });
    assert.ok(shown(s).expanded.includes(neuron));
  });

  it("reveal opens every box that holds a value", () => {
    const trace = hingeTrace();
    const f = factsOf(trace);
    const deep = trace.nodes.find((n) => f.holding(n.id).length >= 4)!;
    const s = update(pageOf(trace), { type: "find", id: deep.id });
    const expanded = shown(s).expanded;
    for (const k of f.holding(deep.id)) assert.ok(expanded.includes(k));
    const view = project(trace, f.tree, new Set(expanded), new Set());
    const u = view.units[view.unitOf.get(deep.id)!];
    assert.ok(u.kind === "value" && u.id === deep.id);
    assert.deepStrictEqual(saved(s).view!.expanded, expanded);
  });
});

describe("openToFit", () => {
  const small: [string, () => Trace][] = [
    ["a neuron", neuronTrace],
    ["MLP(2,[2,1]) on one sample", smallTrace],
  ];
  for (const [name, make] of small) {
    it(`${name}: a small graph that fits opens every box`, () => {
      const trace = make();
      assert.ok(trace.nodes.length < 40);
      const s = factsOf(trace);
      const expanded = new Set<number>();
      openToFit(s.tree, expanded, () => true, OPEN_BUDGET);
      assert.deepStrictEqual(
        [...expanded].sort((a, b) => a - b),
        s.tree.boxes.slice(1).map((b) => b.key),
      );
      assert.strictEqual(drawn(trace, s.tree, expanded), trace.nodes.length);
    });

    it(`${name}: nothing opens when nothing fits`, () => {
      const trace = make();
      const s = factsOf(trace);
      const expanded = new Set<number>();
      let asked = 0;
      openToFit(s.tree, expanded, () => (asked++, false), OPEN_BUDGET);
      assert.strictEqual(expanded.size, 0);
      assert.ok(asked > 0, "fits was asked");
    });
  }

  it("asks fits with the candidate box already open", () => {
    const trace = smallTrace();
    const s = factsOf(trace);
    const expanded = new Set<number>();
    const sizes: number[] = [];
    openToFit(s.tree, expanded, () => (sizes.push(expanded.size), expanded.size <= 2), OPEN_BUDGET);
    assert.strictEqual(expanded.size, 2);
    assert.strictEqual(sizes[0], 1);
  });

  const budgets = [3, 6, 10, 25, OPEN_BUDGET, 200];
  for (const [name, make] of [
    ["xor", xorTrace],
    ["hinge", hingeTrace],
  ] as const) {
    for (const budget of budgets) {
      it(`${name}, budget ${budget}: what is drawn stays within budget, opened from the top down`, () => {
        const trace = make();
        const s = factsOf(trace);
        const expanded = new Set<number>();
        openToFit(s.tree, expanded, () => true, budget);
        const atStart = drawn(trace, s.tree, new Set());
        assert.ok(drawn(trace, s.tree, expanded) <= Math.max(budget, atStart), `drawn ${drawn(trace, s.tree, expanded)}`);
        assert.ok(expanded.size <= 24, "at most tries boxes");
        for (const k of expanded) {
          const parent = s.tree.boxes[k].parent;
          assert.ok(parent === 0 || expanded.has(parent), `box ${k} opened inside an open box`);
        }
        if (budget >= trace.nodes.length) assert.ok(expanded.size > 0);
      });
    }
  }
});

/** a 2×2 input and weight matrix, for a small network of tensor ops */
function smallNet() {
  const X = tensor(
    [
      [0, 1],
      [1, 0],
    ],
    "X",
  );
  const W = tensor(
    [
      [0.5, -1],
      [2, 0.25],
    ],
    "W",
  );
  return { X, W };
}

describe("Step and Back over tensor ops, a whole op at a time", () => {
  //   step:  0    1    2    3    4    5    6    7
  //   box:   -    1    2    1    -    2    2    -     (1 and 2 tensor ops, interleaved as the scalar order has them)
  const ops: StepBoxes = { chains: [[], [1], [2], [1], [], [2], [2], []] };
  const isOp = (b: number) => b === 1 || b === 2;
  it("stops after each step outside the ops and after each op's last step", () => {
    const stops = opStops(ops, isOp);
    assert.deepStrictEqual(stops, [0, 1, 4, 5, 7, 8]);
    assert.deepStrictEqual(
      [0, 1, 2, 4, 5, 7, 8].map((p) => stepOp(stops, p, 8)),
      [1, 4, 4, 5, 7, 8, 8],
    );
    assert.deepStrictEqual(
      [8, 7, 5, 4, 3, 1, 0].map((p) => backOp(stops, p)),
      [7, 5, 4, 1, 1, 0, 0],
    );
    // without tensor ops every position is a stop: Step and Back go one step
    assert.deepStrictEqual(
      opStops(nested, () => false),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
  });

  it("on a tensor network the engine makes: each stop has an op just done, and stepping and stepping back meet the same stops", () => {
    const { X, W } = smallNet();
    const loss = X.matmul(W).sigmoid().sum();
    const f = factsOf(traceOf(loss.values[0]));
    const ops = f.tree.boxes.filter((b) => b.tensor && b.tensor.op !== "tensor").length;
    const forward = [0];
    while (forward[forward.length - 1] < f.total) forward.push(stepOp(f.stops.backward, forward[forward.length - 1], f.total));
    // the root's own step (the sum's output is drawn as itself), then each op: matmul, sigmoid, sum
    assert.strictEqual(forward.length - 1, ops + 1, `stops ${forward.join(" ")}`);
    // the engine runs a tensor graph op by op: each op's scalar steps stand together
    for (const b of f.tree.boxes.filter((x) => x.tensor)) {
      const at = f.chains.chains.flatMap((c, i) => (c.includes(b.key) ? [i] : []));
      if (at.length) assert.strictEqual(at[at.length - 1] - at[0] + 1, at.length, `${b.name}'s steps together`);
    }
    const back = [f.total];
    while (back[back.length - 1] > 0) back.push(backOp(f.stops.backward, back[back.length - 1]));
    assert.deepStrictEqual(back.reverse(), forward);
    // forward, each op's values are made together: a Step computes a whole op
    const fwd = [0];
    while (fwd[fwd.length - 1] < f.forwardOrder.length) fwd.push(stepOp(f.stops.forward, fwd[fwd.length - 1], f.forwardOrder.length));
    assert.ok(fwd.length - 1 <= ops + 1, `forward stops ${fwd.join(" ")}`);
  });

  it("at a stop the ops are drawn closed, one node each with its grads; Into opens the op it steps in; the graph opens with them closed", () => {
    const { X, W } = smallNet();
    const trace = traceOf(X.matmul(W).tanh().sum().values[0]);
    const f = factsOf(trace);
    const isOpBox = (k: number) => f.tree.boxes[k].tensor !== undefined;
    let s = pageOf(trace);
    assert.ok(!shown(s).expanded.some(isOpBox), "the first view opens no tensor op");
    for (let i = 0; i < 3; i++) {
      s = update(s, { type: "move", move: "step" });
      assert.ok(!shown(s).opened.some(isOpBox), `stop ${shown(s).step}: no op open`);
    }
    s = update(s, { type: "move", move: "into" });
    assert.ok(shown(s).opened.some(isOpBox), "Into opens the op it steps into");
  });
});

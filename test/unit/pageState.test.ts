// the page's state and its changes (update.ts), table by table, on traces the real engine makes:
// moves, play, boxes, search, breakpoints, what-if, runs arriving, failures, saving and restoring.
// no DOM: the state is a value, and every change is a function of it.
import * as assert from "node:assert";
import { Value, type Trace } from "../../src/engine";
import { whatIf } from "../../src/engine/whatIf";
import { formula } from "../../src/webview/details";
import { drawnOf } from "../../src/webview/drawn";
import { stepInto, stepOut, stepOver } from "../../src/webview/navigation";
import { menuItems } from "../../src/webview/menuItems";
import { notices } from "../../src/webview/notices";
import { viewOf } from "../../src/webview/openBoxes";
import { factsOf } from "../../src/webview/runFacts";
import { pickOrientation } from "../../src/webview/scene";
import { initialState, saved, shownOf, type PageState } from "../../src/webview/state";
import { update, type Action, type Move } from "../../src/webview/update";
import type { RunResult, ScriptError } from "../../src/shared/protocol";
import { hingeTrace, neuronTrace, resultOf, xorTrace } from "./lessonTraces";
import { traceOf } from "./traceOf";
import { PANEL, after, goTo, pageOf, shown } from "./pageOf";

/** micrograd's neuron, backward() twice: the second pass's grads accumulate on the first's */
function accumulatedTrace(): Trace {
  const x = new Value(2, "x");
  const w = new Value(-3, "w");
  const b = new Value(6.8813735870195432, "b");
  const o = x.mul(w).add(b).tanh();
  o.label = "o";
  o.backward();
  return traceOf(o);
}

/** the same object, frozen all the way down: a change to it throws */
function deepFreeze<T>(x: T, seen = new Set<unknown>()): T {
  if (x === null || typeof x !== "object" || seen.has(x)) return x;
  seen.add(x);
  for (const v of Object.values(x as object)) deepFreeze(v, seen);
  return Object.freeze(x);
}

const run = (trace: Trace, more: Partial<RunResult> = {}): RunResult => ({ ...resultOf(trace), ...more });
const arrive = (s: PageState, r: RunResult, keepPosition = false): PageState =>
  update(s, { type: "run", run: r, fileName: "t.ts", keepPosition, size: PANEL });
const error: ScriptError = { kind: "runtime", message: "boom", pos: { file: "/w/t.ts", line: 7, column: 3 } };

describe("page state: moves", () => {
  const trace = xorTrace();
  const f = factsOf(trace);
  const total = trace.steps.length;
  const cases: [Move, number, number][] = [
    ["step", 0, 1],
    ["step", total, total],
    ["back", 0, 0],
    ["back", 3, 2],
    ["reset", 7, 0],
    ["continue", 2, total],
    ["into", 0, stepInto(f.chains, 0)],
    ["into", 5, stepInto(f.chains, 5)],
    ["over", 0, stepOver(f.chains, 0)],
    ["over", 9, stepOver(f.chains, 9)],
    ["out", 9, stepOut(f.chains, 9)],
  ];
  for (const [move, from, to] of cases)
    it(`${move} from step ${from} goes to step ${to}`, () => {
      const s = update(goTo(pageOf(trace), from), { type: "move", move });
      assert.strictEqual(shown(s).step, to);
    });

  it("Continue stops at a breakpoint on the way, and says where", () => {
    const node = trace.steps[6].node;
    let s = update(pageOf(trace), { type: "breakpoint", breakpoint: { id: node, label: "n", kind: "reach" } });
    s = update(s, { type: "move", move: "continue" });
    assert.strictEqual(shown(s).step, 7);
    assert.strictEqual(shown(s).stop?.breakpoint.id, node);
    // the next move forgets the stop
    assert.strictEqual(shown(update(s, { type: "move", move: "step" })).stop, undefined);
  });

  it("Play steps on each tick, stops at a breakpoint, and at the end", () => {
    const node = trace.steps[2].node;
    let s = update(pageOf(trace), { type: "breakpoint", breakpoint: { id: node, label: "n", kind: "reach" } });
    s = update(s, { type: "play" });
    assert.ok(shown(s).playing);
    s = after(s, { type: "tick" }, { type: "tick" });
    assert.strictEqual(shown(s).step, 2);
    s = update(s, { type: "tick" });
    assert.deepStrictEqual([shown(s).step, shown(s).playing, shown(s).stop?.position], [3, false, 3]);
    // a tick after Pause does nothing
    assert.strictEqual(update(s, { type: "tick" }), s);
    s = update(goTo(s, total - 1), { type: "play" });
    s = update(s, { type: "tick" });
    assert.deepStrictEqual([shown(s).step, shown(s).playing], [total, false]);
    // Play at the end starts again from the start
    assert.strictEqual(shown(update(s, { type: "play" })).step, 0);
  });
});

describe("page state: a run arrives", () => {
  it("a small graph opens whole, at the start of the pass, and the host's numbers are kept as sent", () => {
    const trace = neuronTrace();
    const s = pageOf(trace);
    assert.strictEqual(s.page.kind, "showing");
    const sh = shown(s);
    assert.strictEqual(sh.step, 0);
    assert.strictEqual(sh.run.trace, trace);
    const view = viewOf(factsOf(trace), sh);
    assert.strictEqual(view.unitOfBox.size, 0, "no box left closed");
  });

  it("a big graph opens a few boxes, and what is open fits the budget", () => {
    const sh = shown(pageOf(hingeTrace()));
    const view = viewOf(factsOf(sh.run.trace), sh);
    assert.ok(view.units.length <= 60, `${view.units.length} units drawn`);
    assert.ok(view.unitOfBox.size > 0, "some boxes stay closed");
  });

  it("a re-run of the same shape keeps the step, the boxes and the viewport; another shape starts afresh", () => {
    const trace = xorTrace();
    const key = factsOf(trace).tree.boxes.find((b) => b.key > 0 && !shown(pageOf(trace)).expanded.includes(b.key))!.key;
    let s = after(
      pageOf(trace),
      { type: "goTo", step: 9 },
      { type: "toggleBox", key },
      { type: "viewport", viewport: { zoom: 0.7, pan: { x: 5, y: -3 } } },
    );
    const before = shown(s);
    s = arrive(s, run(xorTrace()), true);
    assert.deepStrictEqual(
      [shown(s).step, shown(s).expanded, shown(s).viewport],
      [9, before.expanded, { zoom: 0.7, pan: { x: 5, y: -3 } }],
    );
    s = arrive(s, run(neuronTrace()), false);
    assert.deepStrictEqual([shown(s).step, shown(s).viewport], [0, undefined]);
  });

  it("breakpoints stay for a re-run of the same script, on values still there; another script's run drops them", () => {
    const trace = neuronTrace();
    const id = trace.nodes[0].id;
    let s = update(pageOf(trace), { type: "breakpoint", breakpoint: { id, label: "a", kind: "nonFinite" } });
    s = update(s, { type: "breakpoint", breakpoint: { id: 1e9, label: "gone", kind: "nonFinite" } });
    s = arrive(s, run(trace), true);
    assert.deepStrictEqual(
      s.breakpoints.map((b) => b.id),
      [id],
    );
    s = arrive(s, run(trace, { file: "other.ts" }));
    assert.deepStrictEqual(s.breakpoints, []);
  });

  it("a graph too big to send is a summary, with its reason", () => {
    const s = arrive(initialState, { file: "t.ts", calls: [], elapsedMs: 0, tooBig: { nodeCount: 200_000, maxNodes: 100_000 } });
    assert.strictEqual(s.page.kind, "summary");
    assert.match(notices(s)[0].text, /200,000 Values, more than the limit of 100,000/);
  });
});

describe("page state: a call picked on the curve", () => {
  const clicked = { loss: 0.48, nodeCount: 154 };
  it("a re-run whose call differs says so, with both losses, above the new run's call", () => {
    const s = update(initialState, {
      type: "run",
      run: run(xorTrace()),
      fileName: "t.ts",
      keepPosition: false,
      size: PANEL,
      mismatch: { index: 11, clicked, rerun: { loss: 0.53, nodeCount: 154 } },
    });
    const n = notices(s).find((x) => x.id === "mismatch")!;
    assert.match(n.text, /You picked call 12 on the curve \(loss 0\.48, 154 values\).*this time its call 12 was different \(loss 0\.53/);
    assert.match(n.text, /Below is this new run's call 12/);
    assert.match(n.hint!, /rng\(seed\)/);
  });

  it("a re-run with fewer calls and no graph says that, not that recording was off", () => {
    const r: RunResult = { file: "t.ts", calls: [], elapsedMs: 0 };
    const s = update(initialState, {
      type: "run",
      run: r,
      fileName: "t.ts",
      keepPosition: false,
      size: PANEL,
      mismatch: { index: 11, clicked },
    });
    assert.deepStrictEqual(
      notices(s).map((n) => n.id),
      ["mismatch"],
    );
    assert.match(notices(s)[0].text, /made only 0 backward\(\) calls.*This run has no graph of it to show/);
  });

  it("no mismatch, no notice", () => {
    assert.deepStrictEqual(notices(pageOf(xorTrace())), []);
  });
});

describe("page state: failures", () => {
  const fail = (s: PageState, r?: RunResult) => update(s, { type: "failed", error, fileName: "t.ts", run: r, size: PANEL });

  it("a failure with nothing shown yet is a failed page, the error at its line", () => {
    const s = fail(update(initialState, { type: "running", fileName: "t.ts" }));
    assert.deepStrictEqual([s.page.kind, s.running], ["failed", false]);
    const [n] = notices(s);
    assert.deepStrictEqual([n.kind, n.where, n.text, n.button?.does], ["error", "t.ts:7:3", "boom", "gotoError"]);
  });

  it("a failure after calls shows the last recorded one, below the error", () => {
    const trace = neuronTrace();
    const s = fail(initialState, run(trace, { calls: [{ index: 0, loss: 1, nodeCount: 9, accumulated: false, recorded: true }] }));
    assert.strictEqual(shown(s).run.trace, trace);
    assert.match(notices(s)[0].more!, /1 backward\(\) call ran before the script stopped; the last recorded one is below/);
  });

  it("a failure with no calls keeps the graph shown, its step and boxes, and says it is the earlier run's", () => {
    let s = goTo(pageOf(xorTrace()), 4);
    const before = shown(s);
    s = fail(s);
    assert.strictEqual(shown(s), before);
    assert.match(notices(s)[0].more!, /from the last run that made one/);
  });
});

describe("page state: what-if is a change of state", () => {
  it("open boxes, the step, the viewport and the warnings stay; Reset brings the script's values back the same way", () => {
    const trace = accumulatedTrace();
    const x = trace.nodes.find((n) => n.label === "x")!;
    let s = after(pageOf(trace), { type: "goTo", step: 2 }, { type: "viewport", viewport: { zoom: 1.1, pan: { x: 10, y: 20 } } });
    const before = shown(s);
    s = update(s, { type: "whatIf", id: x.id, value: 1 });
    const sh = shown(s);
    for (const k of ["step", "expanded", "collapsed", "opened", "viewport", "run", "orient"] as const)
      assert.deepStrictEqual(sh[k], before[k], k);
    assert.deepStrictEqual(sh.edits, [[x.id, 1]]);
    // the graph drawn is the engine's what-if of the run's own trace
    const expect = whatIf(trace, new Map([[x.id, 1]]));
    const drawn = drawnOf(sh);
    assert.deepStrictEqual(
      drawn.facts.trace.nodes.map((n) => [n.data, n.grad]),
      expect.trace.nodes.map((n) => [n.data, n.grad]),
    );
    assert.deepStrictEqual([...drawn.changed].sort(), [...expect.changed].sort());
    // both notices hold at once
    assert.deepStrictEqual(
      notices(s).map((n) => n.id),
      ["accumulated", "whatif"],
    );
    assert.match(notices(s)[1].text, /What-if: x = 1 \(was 2\)/);
    const reset = update(s, { type: "resetWhatIf" });
    assert.deepStrictEqual(shown(reset), { ...sh, edits: [] });
    assert.strictEqual(drawnOf(shown(reset)).facts.trace, trace);
  });

  it("setting a leaf back to the script's value drops that edit; only leaves of a recorded pass can be changed", () => {
    const trace = neuronTrace();
    const leaf = trace.nodes.find((n) => n.children.length === 0)!;
    const inner = trace.nodes.find((n) => n.children.length > 0)!;
    let s = update(pageOf(trace), { type: "whatIf", id: leaf.id, value: 3 });
    assert.strictEqual(shown(s).edits.length, 1);
    s = update(s, { type: "whatIf", id: leaf.id, value: leaf.data });
    assert.deepStrictEqual(shown(s).edits, []);
    assert.strictEqual(update(s, { type: "whatIf", id: inner.id, value: 3 }), s);
  });

  it("the menu offers what-if on a leaf and Reset while edits hold", () => {
    const trace = neuronTrace();
    const leaf = trace.nodes.find((n) => n.children.length === 0)!;
    let s = pageOf(trace);
    const labels = (st: PageState) => menuItems(st, leaf.id)!.items.map((i) => i.label);
    assert.ok(labels(s).includes("Change its data… (what-if)"));
    const change = menuItems(s, leaf.id)!.items.find((i) => i.number && i.label.startsWith("Change"))!;
    s = update(s, change.act(5));
    assert.deepStrictEqual(shown(s).edits, [[leaf.id, 5]]);
    assert.ok(labels(s).includes("Reset what-if: the script's values"));
  });
});

describe("page state: boxes, search, filter", () => {
  it("search: typing counts the matches, Enter shows them one after another, round", () => {
    const trace = xorTrace();
    const ids = trace.nodes.filter((n) => n.label.toLowerCase().includes("w")).map((n) => n.id);
    assert.ok(ids.length > 1);
    let s = update(pageOf(trace), { type: "search", query: "w", next: false });
    assert.deepStrictEqual([shown(s).search.matches, shown(s).search.at, shown(s).found], [ids, -1, undefined]);
    s = update(s, { type: "search", query: "w", next: true });
    assert.deepStrictEqual([shown(s).search.at, shown(s).found, shown(s).cue?.kind], [0, ids[0], "find"]);
    for (let k = 1; k <= ids.length; k++) s = update(s, { type: "search", query: "w", next: true });
    assert.deepStrictEqual([shown(s).search.at, shown(s).found], [0, ids[0]]);
    assert.deepStrictEqual(shown(update(s, { type: "search", query: "zzz", next: true })).search.matches, []);
  });

  it("finding a value clears the table's filter only when it hides the value's row", () => {
    const trace = xorTrace();
    const f = factsOf(trace);
    const row = f.rows()[0];
    let s = update(pageOf(trace), { type: "filter", text: row.name });
    assert.strictEqual(shown(update(s, { type: "find", id: row.id })).filter, row.name);
    s = update(s, { type: "filter", text: "no such value" });
    assert.strictEqual(shown(update(s, { type: "find", id: row.id })).filter, "");
  });

  it("Open all opens every box and draws long boxes whole; Close all closes what the user opened; both fit the graph again", () => {
    const trace = hingeTrace();
    const f = factsOf(trace);
    const looked = { type: "viewport", viewport: { zoom: 1.5, pan: { x: 300, y: -40 } } } as const;
    const s = after(pageOf(trace), looked, { type: "openAll" });
    assert.strictEqual(viewOf(f, shown(s)).unitOfBox.size, 0);
    // the graph is laid out anew: the view where it was would show the wrong part of it, or nothing
    assert.strictEqual(shown(s).viewport, undefined, "Open all fits again");
    const closed = after(s, looked, { type: "closeAll" });
    assert.deepStrictEqual([shown(closed).expanded, shown(closed).unrolled], [[], []]);
    assert.strictEqual(shown(closed).viewport, undefined, "Close all fits again");
  });

  it("a resize fits again and may turn the graph top to bottom", () => {
    const s = after(pageOf(xorTrace()), { type: "viewport", viewport: { zoom: 2, pan: { x: 0, y: 0 } } });
    const tall = update(s, { type: "resize", size: { w: 240, h: 1400 } });
    assert.deepStrictEqual([shown(tall).viewport, shown(tall).orient], [undefined, "TB"]);
  });
});

describe("page state: breakpoints", () => {
  const trace = neuronTrace();
  const id = trace.nodes[0].id;
  const bp = (kind: "nonFinite" | "reach") => ({ id, label: "a", kind });
  const table: [string, Action[], unknown[]][] = [
    ["set", [{ type: "breakpoint", breakpoint: bp("nonFinite") }], [["nonFinite"]]],
    [
      "set twice: cleared",
      [
        { type: "breakpoint", breakpoint: bp("nonFinite") },
        { type: "breakpoint", breakpoint: bp("nonFinite") },
      ],
      [[]],
    ],
    [
      "an 'above' set again takes its new bound",
      [
        { type: "breakpoint", breakpoint: { id, label: "a", kind: "above", bound: 1 } },
        { type: "breakpoint", breakpoint: { id, label: "a", kind: "above", bound: 5 } },
      ],
      [["above:5"]],
    ],
    [
      "removed by value",
      [
        { type: "breakpoint", breakpoint: bp("nonFinite") },
        { type: "breakpoint", breakpoint: bp("reach") },
        { type: "unbreak", id },
      ],
      [[]],
    ],
  ];
  for (const [name, actions, [want]] of table)
    it(name, () => {
      const s = after(pageOf(trace), ...actions);
      assert.deepStrictEqual(
        s.breakpoints.map((b) => (b.kind === "above" ? `above:${b.bound}` : b.kind)),
        want,
      );
    });
});

describe("page state: saved whole, restored after a reload", () => {
  it("everything the user changed comes back, the viewport and a NaN what-if edit too", () => {
    const trace = xorTrace();
    const leaf = trace.nodes.find((n) => n.children.length === 0)!;
    let s = after(
      pageOf(trace),
      { type: "goTo", step: 11 },
      { type: "toggleBox", key: factsOf(trace).tree.boxes[1].key },
      { type: "unroll", key: 2 },
      { type: "filter", text: "w1" },
      { type: "search", query: "b", next: true },
      { type: "viewport", viewport: { zoom: 0.55, pan: { x: -40, y: 12.5 } } },
      { type: "whatIf", id: leaf.id, value: NaN },
      { type: "breakpoint", breakpoint: { id: leaf.id, label: "x", kind: "nonFinite" } },
    );
    const kept = JSON.parse(JSON.stringify(saved(s)));
    const page = update(
      { ...initialState, file: kept.file, breakpoints: kept.breakpoints },
      {
        type: "run",
        run: resultOf(trace),
        fileName: "t.ts",
        keepPosition: true,
        size: PANEL,
        saved: kept,
      },
    );
    s = { ...s, page: { ...s.page } };
    const a = shown(s);
    const b = shown(page);
    for (const k of [
      "step",
      "expanded",
      "collapsed",
      "unrolled",
      "opened",
      "pages",
      "filter",
      "viewport",
      "orient",
      "found",
      "picked",
    ] as const)
      assert.deepStrictEqual(b[k], a[k], k);
    assert.deepStrictEqual(b.search.query, a.search.query);
    assert.ok(Number.isNaN(b.edits[0][1]) && b.edits[0][0] === leaf.id);
    assert.deepStrictEqual(page.breakpoints, s.breakpoints);
  });

  it("a saved view of another call or another script is not applied", () => {
    const trace = xorTrace();
    const kept = saved(goTo(pageOf(trace), 5));
    const other = update(initialState, {
      type: "run",
      run: resultOf(neuronTrace()),
      fileName: "t.ts",
      keepPosition: true,
      size: PANEL,
      saved: kept,
    });
    assert.strictEqual(shown(other).step, 0);
  });
});

describe("page state: reading it never changes it", () => {
  const trace = deepFreeze(xorTrace());
  const leaf = trace.nodes.find((n) => n.children.length === 0)!;
  const actions: Action[] = [
    { type: "move", move: "step" },
    { type: "move", move: "over" },
    { type: "move", move: "continue" },
    { type: "goTo", step: 4 },
    { type: "play" },
    { type: "tick" },
    { type: "toggleBox", key: 1 },
    { type: "unroll", key: 1 },
    { type: "openAll" },
    { type: "closeAll" },
    { type: "fit" },
    { type: "search", query: "w", next: true },
    { type: "find", id: leaf.id },
    { type: "filter", text: "w" },
    { type: "viewport", viewport: { zoom: 1, pan: { x: 1, y: 1 } } },
    { type: "resize", size: { w: 300, h: 900 } },
    { type: "menu", id: leaf.id, x: 1, y: 2 },
    { type: "closeMenu" },
    { type: "breakpoint", breakpoint: { id: leaf.id, label: "x", kind: "reach" } },
    { type: "whatIf", id: leaf.id, value: 0.5 },
    { type: "resetWhatIf" },
  ];
  it("every action leaves the state it is given as it was (all of it frozen)", () => {
    let s = deepFreeze(pageOf(trace));
    for (const a of actions) {
      const next = update(s, a);
      s = deepFreeze(next);
    }
    assert.ok(shownOf(s));
  });
});

describe("page state: the forward phase", () => {
  for (const [name, make] of [
    ["neuron", neuronTrace],
    ["xor", xorTrace],
    ["hinge", hingeTrace],
  ] as const) {
    it(`${name}: values are computed in the order the script made them, each after its inputs`, () => {
      const trace = make();
      const f = factsOf(trace);
      assert.strictEqual(f.forwardOrder.length, trace.nodes.filter((n) => n.children.length > 0).length);
      const done = new Set(trace.nodes.filter((n) => n.children.length === 0).map((n) => n.id));
      f.forwardOrder.forEach((id, i) => {
        if (i > 0) assert.ok(id > f.forwardOrder[i - 1], "ids increase");
        for (const c of f.nodes.get(id)!.children) assert.ok(done.has(c), `value ${id}'s input ${c} is computed before it`);
        done.add(id);
      });
    });
  }

  it("Forward, then moves step through the forward pass and leave the backward step as it was", () => {
    const trace = xorTrace();
    const f = factsOf(trace);
    const total = f.forwardOrder.length;
    let s = after(pageOf(trace), { type: "goTo", step: 5 }, { type: "phase", phase: "forward" });
    assert.deepStrictEqual([shown(s).phase, shown(s).fstep, shown(s).step], ["forward", 0, 5]);
    const cases: [Move, number, number][] = [
      ["step", 0, 1],
      ["back", 3, 2],
      ["reset", 9, 0],
      ["continue", 4, total],
      ["over", 0, stepOver(f.forwardChains, 0)],
      ["into", 2, stepInto(f.forwardChains, 2)],
      ["out", 7, stepOut(f.forwardChains, 7)],
    ];
    for (const [move, from, to] of cases)
      assert.strictEqual(shown(update(goTo(s, from), { type: "move", move })).fstep, to, `${move} from ${from}`);
    s = update(goTo(s, 12), { type: "phase", phase: "backward" });
    assert.deepStrictEqual([shown(s).fstep, shown(s).step], [12, 5]);
    // the step's boxes follow the forward pass: the value computed now is drawn as itself
    const fwd = goTo(update(s, { type: "phase", phase: "forward" }), 30);
    const view = viewOf(f, shown(fwd));
    const id = f.forwardOrder[29];
    const u = view.units[view.unitOf.get(id)!];
    assert.ok(u.kind === "value" && u.id === id);
  });

  it("the formula of a value, with names and with numbers", () => {
    const trace = neuronTrace();
    const f = factsOf(trace);
    const tanh = trace.nodes.find((n) => n.op === "tanh")!;
    const [n] = tanh.children.map((c) => f.nodes.get(c)!);
    assert.strictEqual(formula(tanh, ["n"]), "tanh(n)");
    const add = trace.nodes.find((x) => x.op === "+")!;
    assert.strictEqual(formula(add, ["a", "b"]), "a + b");
    assert.strictEqual(formula({ ...add, op: "*" }, ["2", "(-3)"]), "2 · (-3)");
    assert.strictEqual(formula({ ...add, op: "**2", children: [n.id] }, ["x"]), "x**2");
  });
});

describe("page state: the update phase", () => {
  /** xor's 2-4-1 network after one step of the script's own sgd: every parameter moved, the output neuron's last most */
  function updatedXor(): Trace {
    const trace = xorTrace();
    const params = trace.nodes.filter((n) => n.children.length === 0 && n.label !== "" && /^(w\d+|b)$/.test(n.label));
    const most = params[params.length - 1];
    const update = {
      rule: "script" as const,
      params: params.map((n) => ({ id: n.id, before: n.data, after: n.data - (n === most ? 0.5 : 0.01), grad: n.grad })),
    };
    return { ...trace, update };
  }
  const size = { w: 625, h: 450 };
  const orientFor = (f: ReturnType<typeof factsOf>, s: PageState) =>
    pickOrientation(f.trace, f.tree, f.widest, f.hasOp, viewOf(f, shown(s)), size.w, size.h).orient;

  it("going into Update, the orientation is chosen again for the boxes it opens, and fitted again; going out, for the pass's", () => {
    const trace = updatedXor();
    const f = factsOf(trace);
    const start = pageOf(trace, size);
    const backward = shown(start).orient;
    const into = update(start, { type: "phase", phase: "update", size });
    assert.strictEqual(shown(into).phase, "update");
    assert.strictEqual(shown(into).orient, orientFor(f, into));
    // the parameters that moved are opened in a column beside the samples: it reads at this size, a row does not
    assert.notStrictEqual(shown(into).orient, backward, "another orientation for the update's view");
    assert.strictEqual(shown(into).viewport, undefined, "fitted again");
    const out = update(into, { type: "phase", phase: "backward", size });
    assert.strictEqual(shown(out).orient, backward);
    assert.strictEqual(shown(out).orient, orientFor(f, out));
  });

  it("without the graph's size (a phase picked before any draw), the orientation stays", () => {
    const start = pageOf(updatedXor(), size);
    const into = update(start, { type: "phase", phase: "update" });
    assert.strictEqual(shown(into).orient, shown(start).orient);
  });
});

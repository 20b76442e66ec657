// long boxes (a sum of 100 terms) fold runs of values around the step; the step's boxes stay open
// while it goes back and forth between a sum and its terms. on traces the real engine makes.
import * as assert from "node:assert";
import { MLP, Value, l2, type Trace } from "../../src/engine";
import { groupTree } from "../../src/webview/groupTree";
import { RUN_MAX, RUN_PAGE, keptValues, project } from "../../src/webview/projection";
import { anchors, viewKey, viewOf } from "../../src/webview/openBoxes";
import { factsOf } from "../../src/webview/runFacts";
import { goTo, pageOf, shown } from "./pageOf";
import { traceOf } from "./traceOf";
import { hingeOnSix } from "./lessonTraces";

/** l2 of 60 parameters: a sum box with a chain of 59 adds, and 60 terms */
function l2Trace(): Trace {
  const ps = Array.from({ length: 60 }, (_, i) => new Value((i % 7) / 7 - 0.4, `p${i}`));
  return traceOf(l2(ps, 0.01));
}

const sumBox = (trace: Trace) => {
  const tree = groupTree(trace);
  const box = tree.boxes.find((b) => b.kind === "sum" && b.values.length > RUN_MAX)!;
  assert.ok(box, "the trace has a long sum box");
  return { tree, box };
};

describe("long boxes", () => {
  it("a box of RUN_MAX values or fewer is drawn whole", () => {
    const { tree } = sumBox(l2Trace());
    const short = tree.boxes.find((b) => b.values.length > 0 && b.values.length <= RUN_MAX)!;
    assert.strictEqual(keptValues(short, []), undefined);
  });

  it("with no page asked for, the first and last page and the outputs are kept", () => {
    const { box } = sumBox(l2Trace());
    const kept = keptValues(box, [])!;
    const n = box.values.length;
    for (let i = 0; i < n; i++) {
      const want = i < RUN_PAGE || i >= n - RUN_PAGE || box.outputs.includes(box.values[i]);
      assert.strictEqual(kept[i], want, `value ${i} of ${n}`);
    }
  });

  it("a page asked for is kept with the pages either side of it", () => {
    const { box } = sumBox(l2Trace());
    const kept = keptValues(box, [3])!;
    for (let i = 0; i < box.values.length; i++) {
      const near = i >= 2 * RUN_PAGE && i < 5 * RUN_PAGE;
      if (!box.outputs.includes(box.values[i])) assert.strictEqual(kept[i], near, `value ${i}`);
    }
  });

  it("an open long box shows runs that hold the rest, each value exactly once; unrolled, no runs", () => {
    const trace = l2Trace();
    const { tree, box } = sumBox(trace);
    const all = new Set(tree.boxes.slice(1).map((b) => b.key));
    const view = project(trace, tree, all, new Set());
    const runs = view.units.filter((u) => u.kind === "run");
    assert.ok(runs.length >= 1, "the middle of the chain is folded");
    const shown = new Map<number, number>();
    view.units.forEach((u, i) => {
      const ids = u.kind === "run" ? u.ids : u.kind === "value" && !u.ghost ? [u.id] : [];
      for (const id of ids) {
        assert.ok(!shown.has(id), `value ${id} shown once`);
        shown.set(id, i);
        assert.strictEqual(view.unitOf.get(id), i);
      }
    });
    for (const id of box.values) assert.ok(shown.has(id), `value ${id} of the sum is shown by a value or a run`);
    // (the 60 parameters sit in the whole graph's box, which is long too and folds on its own)
    const folded = runs.reduce((s, u) => s + (u.kind === "run" && u.container === box.key ? u.ids.length : 0), 0);
    assert.strictEqual(
      folded,
      box.values.length -
        2 * RUN_PAGE -
        (box.outputs.some((o) => box.values.indexOf(o) >= RUN_PAGE && box.values.indexOf(o) < box.values.length - RUN_PAGE) ? 1 : 0),
    );
    // a run's edges are bundled: no edge names a value inside a run as its own end
    for (const e of view.edges) if (e.parent !== undefined) assert.notStrictEqual(view.units[e.to].kind, "run");

    const whole = project(trace, tree, all, new Set(), { unrolled: new Set([box.key]) });
    assert.ok(!whole.units.some((u) => u.kind === "run" && u.container === box.key));
  });

  it("the step's node and the children it updates are drawn as themselves at every step", () => {
    const trace = l2Trace();
    const f = factsOf(trace);
    let s = pageOf(trace);
    for (let k = 0; k < 40; k++) {
      s = goTo(s, k + 1);
      const view = viewOf(f, shown(s));
      for (const id of anchors(f, shown(s))) {
        const u = view.units[view.unitOf.get(id)!];
        assert.ok(u.kind === "value" && u.id === id, `step ${k + 1}: value ${id} is drawn as itself (not in a ${u.kind})`);
      }
    }
  });

  it("going back and forth between a sum and its terms redraws about every other step, not every step", () => {
    const trace = l2Trace();
    let s = goTo(pageOf(trace), 3);
    let redraws = 0;
    let last = viewKey(shown(s));
    for (let k = 0; k < 30; k++) {
      s = goTo(s, 4 + k);
      const key = viewKey(shown(s));
      if (key !== last) redraws++;
      last = key;
    }
    // a redraw for each new term (every other step) and each new page of a long box, no more
    assert.ok(redraws <= 15 + Math.ceil(30 / RUN_PAGE), `${redraws} redraws in 30 steps`);
  });

  it("a box the step opened closes once the step has left the box around it", () => {
    const m = new MLP(2, [3, 1], { seed: 2 });
    const loss = hingeOnSix(m).add(l2(m.parameters(), 1e-3));
    const trace = traceOf(loss);
    const f = factsOf(trace);
    let s = pageOf(trace);
    const top = (k: number) => {
      while (f.tree.boxes[k].parent > 0) k = f.tree.boxes[k].parent;
      return k;
    };
    for (let k = 0; k < f.total; k++) {
      s = goTo(s, k + 1);
      const forced = shown(s).opened;
      const holding = new Set(f.holding(f.focus(k + 1)));
      const tops = new Set([...holding].map(top));
      for (const u of trace.steps[k].updates)
        for (const b of f.holding(u.child)) if (f.tree.boxes[f.tree.boxOf.get(u.child) ?? 0].kind !== "params") tops.add(top(b));
      for (const b of forced)
        assert.ok(tops.has(top(b)), `step ${k + 1}: box ${f.tree.boxes[b].name} is open only under a top box the step is in`);
    }
  });
});

// what is visible given which boxes are open, on traces the real engine makes
import * as assert from "node:assert";
import { Value, type Trace } from "../../src/engine";
import { groupTree, type GroupTree } from "../../src/webview/groupTree";
import { project, type View } from "../../src/webview/projection";
import { traceOf } from "./traceOf";
import { hingeTrace, neuronTrace, xorTrace } from "./lessonTraces";

function plainTrace(): Trace {
  const a = new Value(2, "a");
  const b = new Value(-3, "b");
  return traceOf(a.mul(b).add(a).tanh());
}

const traces: [string, () => Trace][] = [
  ["xor mlp", xorTrace],
  ["mlp on 6 samples (hinge)", hingeTrace],
  ["a neuron", neuronTrace],
  ["a plain expression", plainTrace],
];

const allBoxes = (tree: GroupTree) => new Set(tree.boxes.slice(1).map((b) => b.key));
const none = new Set<number>();

/** is box key equal to or inside box outer */
function within(tree: GroupTree, key: number, outer: number): boolean {
  for (let k = key; k >= 0; k = tree.boxes[k].parent) if (k === outer) return true;
  return false;
}

/** each value is shown by exactly one unit: itself, or a closed box that holds it */
function assertCovers(trace: Trace, tree: GroupTree, view: View): void {
  assert.strictEqual(view.unitOf.size, trace.nodes.length, "unitOf has every value");
  for (const n of trace.nodes) {
    const u = view.unitOf.get(n.id);
    assert.ok(u !== undefined, `value ${n.id} is shown`);
    const unit = view.units[u];
    if (unit.kind === "value") {
      assert.strictEqual(unit.id, n.id);
      assert.ok(!unit.ghost, "a value is shown by itself, not a ghost");
    } else if (unit.kind === "run") {
      assert.ok(unit.ids.includes(n.id), `the run shown for value ${n.id} holds it`);
      assert.strictEqual(tree.boxOf.get(n.id) ?? 0, unit.container, "a run holds values of the box it is drawn in");
    } else {
      assert.ok(within(tree, tree.boxOf.get(n.id)!, unit.key), `box ${unit.key} holds value ${n.id}`);
      assert.strictEqual(view.unitOfBox.get(unit.key), u);
    }
  }
  // a value drawn as itself is drawn once (ghosts aside)
  const selves = view.units.filter((u) => u.kind === "value" && !u.ghost).map((u) => (u.kind === "value" ? u.id : -1));
  assert.strictEqual(new Set(selves).size, selves.length);
  // a box is drawn closed once at most, and never both open and closed, unless it is a pulled series
  const closedKeys = view.units.filter((u) => u.kind === "box").map((u) => (u.kind === "box" ? u.key : -1));
  assert.strictEqual(new Set(closedKeys).size, closedKeys.length);
  for (const k of view.open) assert.ok(!closedKeys.includes(k), `box ${k} open and closed`);
}

/** bundle edges are unique per (from, to), and the counts add up to the child links crossing units */
function assertEdges(trace: Trace, view: View): void {
  const seen = new Set<string>();
  for (const e of view.edges) {
    assert.ok(e.count >= 1);
    assert.notStrictEqual(e.from, e.to, "no edge from a unit to itself");
    if (e.parent !== undefined) {
      assert.strictEqual(e.count, 1, "a value-to-value edge stands for one link");
      assert.strictEqual(view.units[e.from].kind, "value");
      assert.strictEqual(view.units[e.to].kind, "value");
      continue;
    }
    const k = `${e.from}->${e.to}`;
    assert.ok(!seen.has(k), `bundle ${k} twice`);
    seen.add(k);
    assert.ok(view.units[e.from].kind === "box" || view.units[e.to].kind === "box", "a bundle has a box at one end");
  }
  let crossing = 0;
  for (const n of trace.nodes) for (const c of n.children) if (view.unitOf.get(c) !== view.unitOf.get(n.id)) crossing++;
  assert.strictEqual(
    view.edges.reduce((s, e) => s + e.count, 0),
    crossing,
    "edge counts add up to the links crossing units",
  );
}

describe("projection", () => {
  for (const [name, make] of traces) {
    describe(name, () => {
      const trace = make();
      const tree = groupTree(trace);

      it("with nothing open, each value is shown by exactly one unit", () => {
        const view = project(trace, tree, none, none);
        assertCovers(trace, tree, view);
        assertEdges(trace, view);
        assert.deepStrictEqual(view.open, []);
        assert.strictEqual(view.pulled.size, 0);
        // what is drawn: the whole graph's own values and one unit per top box
        assert.strictEqual(view.units.length, tree.boxes[0].values.length + tree.boxes[0].boxes.length);
        assert.ok(!view.units.some((u) => u.kind === "value" && u.ghost), "no ghosts with nothing open");
        for (const u of view.units) assert.strictEqual(u.container, 0);
      });

      it("with everything open, every value is its own unit", () => {
        const view = project(trace, tree, allBoxes(tree), none);
        assertCovers(trace, tree, view);
        assertEdges(trace, view);
        for (const n of trace.nodes) {
          const u = view.units[view.unitOf.get(n.id)!];
          assert.ok(u.kind === "value" && u.id === n.id && u.container === tree.boxOf.get(n.id));
        }
        assert.strictEqual(view.unitOfBox.size, 0, "no box is closed");
        assert.strictEqual(view.units.filter((u) => !(u.kind === "value" && u.ghost)).length, trace.nodes.length);
        assert.strictEqual(view.open.length, tree.boxes.length - 1);
        // parents before children
        const pos = new Map(view.open.map((k, i) => [k, i]));
        for (const k of view.open) {
          const parent = view.openIn.get(k)!;
          assert.strictEqual(parent, tree.boxes[k].parent);
          if (parent !== 0) assert.ok(pos.get(parent)! < pos.get(k)!);
        }
        // every edge is between two values now, and there is one per child link
        assert.ok(view.edges.every((e) => e.parent !== undefined));
        assert.strictEqual(
          view.edges.length,
          trace.nodes.reduce((s, n) => s + n.children.length, 0),
        );
      });

      it("each top box opened on its own still shows every value once", () => {
        for (const k of tree.boxes[0].boxes) {
          const view = project(trace, tree, new Set([k]), none);
          assertCovers(trace, tree, view);
          assertEdges(trace, view);
          assert.ok(view.open.includes(k) || tree.boxes[k].kind === "series");
        }
      });
    });
  }

  it("a forced series that is not expanded pulls out just the member on the path", () => {
    const trace = hingeTrace();
    const tree = groupTree(trace);
    const series = tree.boxes.find((b) => b.name === "MLP · sample ×6")!;
    for (const sample of [1, 3, 6]) {
      const member = series.boxes.find((k) => tree.boxes[k].sample === sample)!;
      const layer = tree.boxes[member].boxes.find((k) => tree.boxes[k].name === "layer 1")!;
      const neuron = tree.boxes[layer].boxes.find((k) => tree.boxes[k].name === "neuron 2")!;
      const forced = new Set([series.key, member, layer, neuron]);
      const view = project(trace, tree, none, forced);
      assertCovers(trace, tree, view);
      assertEdges(trace, view);
      assert.deepStrictEqual([...view.pulled], [[series.key, member]]);
      assert.ok(view.open.includes(member) && view.open.includes(layer) && view.open.includes(neuron));
      assert.ok(!view.open.includes(series.key), "the series itself is not drawn open");
      assert.strictEqual(view.openIn.get(member), 0, "the member is drawn beside the series");
      const seriesUnit = view.unitOfBox.get(series.key);
      assert.ok(seriesUnit !== undefined, "the series stays one closed unit");
      // the other samples are all behind that one unit
      for (const other of series.boxes.filter((k) => k !== member)) {
        for (const n of trace.nodes) if (within(tree, tree.boxOf.get(n.id)!, other)) assert.strictEqual(view.unitOf.get(n.id), seriesUnit);
      }
      // the forced neuron's values are drawn as themselves
      for (const id of tree.boxes[neuron].values) assert.strictEqual(view.units[view.unitOf.get(id)!].kind, "value");
    }
  });

  it("an expanded series opens all its members' boxes as closed units (no pull)", () => {
    const trace = hingeTrace();
    const tree = groupTree(trace);
    const series = tree.boxes.find((b) => b.name === "MLP · sample ×6")!;
    const member = series.boxes[2];
    const view = project(trace, tree, new Set([series.key]), new Set([series.key, member]));
    assertCovers(trace, tree, view);
    assertEdges(trace, view);
    assert.strictEqual(view.pulled.size, 0);
    assert.ok(view.open.includes(series.key) && view.open.includes(member));
    for (const k of series.boxes.filter((k) => k !== member)) {
      const u = view.unitOfBox.get(k);
      assert.ok(u !== undefined, `sample ${tree.boxes[k].sample} is one closed unit`);
      assert.strictEqual(view.units[u].container, series.key);
    }
  });

  it("a forced series with no forced member stays closed", () => {
    const trace = hingeTrace();
    const tree = groupTree(trace);
    const series = tree.boxes.find((b) => b.name === "MLP · sample ×6")!;
    const view = project(trace, tree, none, new Set([series.key]));
    assert.strictEqual(view.pulled.size, 0);
    assert.ok(view.unitOfBox.has(series.key));
    assert.deepStrictEqual(view.open, []);
  });

  it("shared parameters appear as ghosts inside an open call that uses them", () => {
    const trace = xorTrace();
    const tree = groupTree(trace);
    const byId = new Map(trace.nodes.map((n) => [n.id, n]));
    const call = tree.boxes.find((b) => b.kind === "model" && b.sample === 2)!;
    const layer = call.boxes.find((k) => tree.boxes[k].name === "layer 1")!;
    const neuron = tree.boxes[layer].boxes.find((k) => tree.boxes[k].name === "neuron 3")!;
    const view = project(trace, tree, new Set([call.key, layer, neuron]), none);
    assertCovers(trace, tree, view);
    assertEdges(trace, view);
    const ghosts = view.units.flatMap((u, i) => (u.kind === "value" && u.ghost ? [{ u, i }] : []));
    assert.ok(ghosts.length > 0);
    // the ghosts in the neuron are exactly the parameters its values read: w0, w1, b of layer 1 neuron 3
    const inNeuron = ghosts.filter((g) => g.u.container === neuron);
    const used = new Set<number>();
    for (const id of tree.boxes[neuron].values)
      for (const c of byId.get(id)!.children) if (tree.boxes[tree.boxOf.get(c)!].kind === "params") used.add(c);
    assert.deepStrictEqual(new Set(inNeuron.map((g) => (g.u.kind === "value" ? g.u.id : -1))), used);
    assert.deepStrictEqual(inNeuron.map((g) => (g.u.kind === "value" ? byId.get(g.u.id)!.label : "")).sort(), ["b", "w0", "w1"]);
    for (const g of ghosts) {
      assert.ok(g.u.kind === "value");
      assert.strictEqual(tree.boxes[tree.boxOf.get(g.u.id)!].kind, "params", "only parameters are ghosted");
      assert.ok(view.open.includes(g.u.container), "a ghost sits in an open call");
      assert.notStrictEqual(view.unitOf.get(g.u.id), g.i, "the value itself is still shown by its own unit");
      // every ghost feeds something in its container
      assert.ok(view.edges.some((e) => e.from === g.i && view.units[e.to].container === g.u.container));
    }
    // one ghost per (parameter, container)
    const keys = ghosts.map((g) => `${g.u.kind === "value" ? g.u.id : -1}:${g.u.container}`);
    assert.strictEqual(new Set(keys).size, keys.length);
    // the params box itself is still one closed unit
    const mlpParams = tree.boxes.find((b) => b.name === "MLP parameters")!;
    assert.ok(view.unitOfBox.has(mlpParams.key));
  });

  it("a module called once has no ghosts: its weights are already inside", () => {
    const trace = neuronTrace();
    const tree = groupTree(trace);
    const view = project(trace, tree, allBoxes(tree), none);
    assert.ok(!view.units.some((u) => u.kind === "value" && u.ghost));
  });
});

// the box-respecting layered layout: nothing overlaps, frames hold their content, edges flow forward
import * as assert from "node:assert";
import { Value, tensor, type Trace } from "../../src/engine";
import { groupTree, type GroupTree } from "../../src/webview/groupTree";
import { project, type View } from "../../src/webview/projection";
import { placeView, type Orientation, type Placement, type Rect } from "../../src/webview/groupLayout";
import { traceOf } from "./traceOf";
import { buildScene } from "../../src/webview/scene";
import { hingeTrace, neuronTrace, xorTrace } from "./lessonTraces";

/** a simple chain: a -> tanh -> exp -> neg -> relu */
function chainTrace(): Trace {
  const a = new Value(0.3, "a");
  return traceOf(a.tanh().exp().neg().relu());
}

/** values and boxes of different sizes, so the layout has to handle uneven items */
function sizeOf(view: View): (u: number) => { w: number; h: number } {
  return (u) => {
    const unit = view.units[u];
    if (unit.kind === "box") return { w: 90 + (unit.key % 3) * 10, h: 36 };
    if (unit.kind === "run") return { w: 120, h: 40 };
    return { w: 40 + (unit.id % 4) * 8, h: 24 + (unit.id % 2) * 6 };
  };
}

const EPS = 1e-6;
const overlap = (a: Rect, b: Rect) => a.x < b.x + b.w - EPS && b.x < a.x + a.w - EPS && a.y < b.y + b.h - EPS && b.y < a.y + a.h - EPS;
const inside = (a: Rect, outer: Rect) =>
  a.x >= outer.x - EPS && a.y >= outer.y - EPS && a.x + a.w <= outer.x + outer.w + EPS && a.y + a.h <= outer.y + outer.h + EPS;

/** the open boxes a container sits in, itself first, up to (not including) the whole graph */
function openChain(view: View, key: number): number[] {
  const chain: number[] = [];
  for (let k = key; k !== 0; k = view.openIn.get(k)!) chain.push(k);
  return chain;
}

type Scene = { name: string; make: () => Trace; expand: (tree: GroupTree) => Set<number>; forced?: (tree: GroupTree) => Set<number> };

const all = (tree: GroupTree) => new Set(tree.boxes.slice(1).map((b) => b.key));
const nothing = () => new Set<number>();
const firstSample = (tree: GroupTree) => {
  const call = tree.boxes.find((b) => b.kind === "model" && b.sample === 1)!;
  return new Set([call.key, ...call.boxes]);
};

const scenes: Scene[] = [
  { name: "chain, no groups", make: chainTrace, expand: nothing },
  { name: "neuron, closed", make: neuronTrace, expand: nothing },
  { name: "neuron, open", make: neuronTrace, expand: all },
  { name: "xor, closed", make: xorTrace, expand: nothing },
  { name: "xor, sample 1 and its layers open", make: xorTrace, expand: firstSample },
  { name: "xor, everything open", make: xorTrace, expand: all },
  { name: "hinge, everything open", make: hingeTrace, expand: all },
  {
    name: "hinge, a pulled sample",
    make: hingeTrace,
    expand: nothing,
    forced: (tree) => {
      const series = tree.boxes.find((b) => b.name === "MLP · sample ×6")!;
      const member = series.boxes[3];
      return new Set([series.key, member, ...tree.boxes[member].boxes]);
    },
  },
];

function check(view: View, p: Placement, label: string): void {
  assert.strictEqual(p.units.length, view.units.length, `${label}: a rect per unit`);
  for (const r of p.units) assert.ok(r && Number.isFinite(r.x + r.y + r.w + r.h), `${label}: finite rect`);
  assert.deepStrictEqual(
    [...p.frames.keys()].sort((a, b) => a - b),
    view.open.slice().sort((a, b) => a - b),
    `${label}: a frame per open box`,
  );

  // no two units overlap
  for (let i = 0; i < p.units.length; i++)
    for (let j = i + 1; j < p.units.length; j++) assert.ok(!overlap(p.units[i], p.units[j]), `${label}: units ${i} and ${j} overlap`);

  // a unit lies within the frame of every open box around it
  view.units.forEach((u, i) => {
    for (const k of openChain(view, u.container)) assert.ok(inside(p.units[i], p.frames.get(k)!), `${label}: unit ${i} outside frame ${k}`);
  });
  // a frame lies within the frames around it
  for (const k of view.open)
    for (const outer of openChain(view, view.openIn.get(k)!))
      assert.ok(inside(p.frames.get(k)!, p.frames.get(outer)!), `${label}: frame ${k} outside ${outer}`);

  // sibling frames don't overlap, nor does a frame overlap a unit of the same container
  for (const a of view.open) {
    for (const b of view.open)
      if (a < b && view.openIn.get(a) === view.openIn.get(b))
        assert.ok(!overlap(p.frames.get(a)!, p.frames.get(b)!), `${label}: frames ${a} and ${b} overlap`);
    view.units.forEach((u, i) => {
      if (u.container === view.openIn.get(a)) assert.ok(!overlap(p.frames.get(a)!, p.units[i]), `${label}: frame ${a} overlaps unit ${i}`);
    });
  }

  // the size holds everything
  const whole: Rect = { x: 0, y: 0, w: p.width, h: p.height };
  for (const r of p.units) assert.ok(inside(r, whole), `${label}: unit outside the drawing`);
  for (const r of p.frames.values()) assert.ok(inside(r, whole), `${label}: frame outside the drawing`);
}

describe("groupLayout", () => {
  for (const s of scenes) {
    for (const orient of ["LR", "TB"] as Orientation[]) {
      it(`${s.name} (${orient}): no overlaps, frames hold their content, size holds all`, () => {
        const trace = s.make();
        const tree = groupTree(trace);
        const view = project(trace, tree, s.expand(tree), s.forced?.(tree) ?? new Set());
        const p = placeView(view, sizeOf(view), orient);
        check(view, p, `${s.name} ${orient}`);
      });
    }
  }

  const flows: { name: string; make: () => Trace; expand: (t: GroupTree) => Set<number> }[] = [
    { name: "a simple chain", make: chainTrace, expand: nothing },
    {
      name: "a plain expression with a value used twice",
      make: () => {
        const a = new Value(2, "a");
        const b = new Value(-3, "b");
        return traceOf(a.mul(b).add(a).tanh());
      },
      expand: nothing,
    },
    { name: "an open neuron", make: neuronTrace, expand: all },
  ];
  for (const f of flows) {
    for (const orient of ["LR", "TB"] as Orientation[]) {
      it(`${f.name} (${orient}): every edge within a container runs forward`, () => {
        const trace = f.make();
        const tree = groupTree(trace);
        const view = project(trace, tree, f.expand(tree), new Set());
        const p = placeView(view, sizeOf(view), orient);
        let checked = 0;
        for (const e of view.edges) {
          const a = view.units[e.from];
          const b = view.units[e.to];
          if (a.kind !== "value" || b.kind !== "value" || a.container !== b.container) continue;
          const ra = p.units[e.from];
          const rb = p.units[e.to];
          if (orient === "LR") assert.ok(ra.x + ra.w <= rb.x + EPS, `edge ${e.from}->${e.to}: source left of target`);
          else assert.ok(ra.y + ra.h <= rb.y + EPS, `edge ${e.from}->${e.to}: source above target`);
          checked++;
        }
        assert.ok(checked >= 3, "some edges checked");
      });
    }
  }

  it("a simple chain is laid out in one row (LR) or one column (TB), in order", () => {
    const trace = chainTrace();
    const view = project(trace, groupTree(trace), new Set(), new Set());
    const unitsInOrder = trace.nodes.map((n) => view.unitOf.get(n.id)!);
    const lr = placeView(view, () => ({ w: 50, h: 20 }), "LR");
    const tb = placeView(view, () => ({ w: 50, h: 20 }), "TB");
    for (let i = 1; i < unitsInOrder.length; i++) {
      assert.ok(lr.units[unitsInOrder[i - 1]].x < lr.units[unitsInOrder[i]].x);
      assert.strictEqual(lr.units[unitsInOrder[i]].y, lr.units[unitsInOrder[0]].y);
      assert.ok(tb.units[unitsInOrder[i - 1]].y < tb.units[unitsInOrder[i]].y);
      assert.strictEqual(tb.units[unitsInOrder[i]].x, tb.units[unitsInOrder[0]].x);
    }
    assert.strictEqual(lr.height, 20);
    assert.strictEqual(tb.width, 50);
    assert.ok(lr.width > 50 * unitsInOrder.length - 1e-9);
  });

  it("a matrix's elements stand in its rows and columns, whichever way the graph flows; a vector's in a line", () => {
    const W = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      "W",
    );
    const v = tensor([0.5, 1.5, 2.5], "v");
    const x = tensor([[1], [2], [3]], "x");
    const loss = W.matmul(x).sum().add(v.mul(2).sum());
    const trace = traceOf(loss.values[0]);
    const tree = groupTree(trace);
    const boxOf = (label: string) => tree.boxes.find((b) => b.tensor?.op === "tensor" && b.tensor.label === label)!;
    const [w, vec, col] = [boxOf("W"), boxOf("v"), boxOf("x")];
    const view = project(trace, tree, new Set([w.key, vec.key, col.key]), new Set());
    for (const orient of ["LR", "TB"] as Orientation[]) {
      const scene = buildScene(
        trace,
        tree,
        () => 4,
        () => false,
        view,
        orient,
      );
      check(view, scene.placement, `matrices (${orient})`);
      const rect = (id: number) => scene.placement.units[view.unitOf.get(id)!];
      // W: element i in row floor(i / 3), column i % 3: two rows of three, read left to right
      const ws = w.tensor!.values.map(rect);
      const rows = [ws.slice(0, 3), ws.slice(3)];
      for (const row of rows) {
        assert.ok(
          row.every((r) => r.y === row[0].y),
          `${orient}: a row of W on one line`,
        );
        assert.ok(row[0].x < row[1].x && row[1].x < row[2].x, `${orient}: a row of W left to right`);
      }
      assert.ok(rows[0][0].y < rows[1][0].y, `${orient}: W's first row above its second`);
      assert.deepStrictEqual(
        rows[1].map((r) => r.x),
        rows[0].map((r) => r.x),
        `${orient}: W's columns line up`,
      );
      // x, a column [3, 1]: one above the other
      const xs = col.tensor!.values.map(rect);
      assert.ok(xs.every((r) => r.x === xs[0].x) && xs[0].y < xs[1].y && xs[1].y < xs[2].y, `${orient}: x stands as a column`);
      // v has one axis: a line across the way the graph flows, as before
      const vs = vec.tensor!.values.map(rect);
      if (orient === "TB")
        assert.ok(
          vs.every((r) => r.y === vs[0].y),
          "TB: v in a row",
        );
      else
        assert.ok(
          vs.every((r) => r.x === vs[0].x),
          "LR: v in a column",
        );
    }
  });

  it("an empty-looking view (just the root) has the root's size", () => {
    const a = new Value(1, "a");
    const trace = traceOf(a.mul(1));
    const view = project(trace, groupTree(trace), new Set(), new Set());
    const p = placeView(view, () => ({ w: 30, h: 10 }), "LR");
    check(view, p, "tiny");
    assert.ok(p.width >= 30 && p.height >= 10);
  });
});

// the boxes the panel folds a graph into, from traces the real engine makes
import * as assert from "node:assert";
import { MLP, Value, tensor, type Trace } from "../../src/engine";
import { ELEMENTS_FROM, SERIES_MIN, describePath, groupTree, pathOf, type GroupTree } from "../../src/webview/groupTree";
import { traceOf } from "./traceOf";
import { hingeTrace, neuronTrace, xorTrace } from "./lessonTraces";

/** MLP(2,[16,1]) called once: the 16 neurons of layer 1 fold into "neuron ×16" */
function wideTrace(): Trace {
  const m = new MLP(2, [16, 1], { seed: 4 });
  return traceOf(m.forward([0.5, -1])[0]);
}

/** a plain expression: no groups at all */
function plainTrace(): Trace {
  const a = new Value(2, "a");
  const b = new Value(-3, "b");
  return traceOf(a.mul(b).add(a).tanh());
}

const cases: { name: string; make: () => Trace }[] = [
  { name: "xor mlp (4 samples, mse)", make: xorTrace },
  { name: "mlp on 6 samples (hinge)", make: hingeTrace },
  { name: "a neuron called once", make: neuronTrace },
  { name: "one wide mlp call", make: wideTrace },
  { name: "a plain expression", make: plainTrace },
];

const isParam = (t: Trace, id: number) => {
  const n = t.nodes.find((m) => m.id === id)!;
  return n.children.length === 0 && /^(w\d+|b)$/.test(n.label);
};

/** the chain of box keys from key up to (and including) 0 */
function ancestors(tree: GroupTree, key: number): number[] {
  const chain: number[] = [];
  for (let k = key; k >= 0; k = tree.boxes[k].parent) chain.push(k);
  return chain;
}

describe("groupTree", () => {
  for (const c of cases) {
    describe(c.name, () => {
      const trace = c.make();
      const tree = groupTree(trace);

      it("puts every value in exactly one box, and the root in box 0", () => {
        assert.strictEqual(tree.boxOf.size, trace.nodes.length);
        for (const n of trace.nodes) assert.ok(tree.boxOf.has(n.id), `value ${n.id} has a box`);
        const listed = tree.boxes.flatMap((b) => b.values);
        assert.strictEqual(listed.length, trace.nodes.length, "no value listed twice");
        assert.strictEqual(new Set(listed).size, trace.nodes.length);
        for (const b of tree.boxes) for (const id of b.values) assert.strictEqual(tree.boxOf.get(id), b.key);
        assert.strictEqual(tree.boxOf.get(trace.root), 0);
        assert.ok(tree.boxes[0].values.includes(trace.root));
      });

      it("box sizes add up", () => {
        assert.strictEqual(tree.boxes[0].size, trace.nodes.length);
        assert.strictEqual(tree.boxes[0].kind, "root");
        assert.strictEqual(tree.boxes[0].parent, -1);
        for (const b of tree.boxes) {
          const inner = b.boxes.reduce((s, k) => s + tree.boxes[k].size, 0);
          assert.strictEqual(b.size, b.values.length + inner, `box ${b.key} (${b.name})`);
          assert.strictEqual(b.key, tree.boxes.indexOf(b));
        }
      });

      it("is a tree: every box but the root is listed once, by its parent", () => {
        const seen = new Map<number, number>();
        for (const b of tree.boxes) for (const k of b.boxes) seen.set(k, (seen.get(k) ?? 0) + 1);
        for (const b of tree.boxes.slice(1)) {
          assert.strictEqual(seen.get(b.key), 1, `box ${b.key} listed once`);
          assert.ok(tree.boxes[b.parent].boxes.includes(b.key), `box ${b.key} in its parent`);
          assert.ok(ancestors(tree, b.key).at(-1) === 0, `box ${b.key} reaches the root`);
        }
      });

      it("pathOf goes from the top down to the value's box, with no series and no root", () => {
        for (const n of trace.nodes) {
          const path = pathOf(tree, n.id);
          const k = tree.boxOf.get(n.id)!;
          if (k === 0) assert.deepStrictEqual(path, []);
          else assert.strictEqual(path.at(-1), k, "ends at the value's own box");
          for (const p of path) assert.ok(p > 0 && tree.boxes[p].kind !== "series");
          for (let i = 1; i < path.length; i++) assert.ok(ancestors(tree, path[i]).includes(path[i - 1]), "outer before inner");
        }
      });
    });
  }

  it("a plain expression has no boxes but the root", () => {
    const t = plainTrace();
    const tree = groupTree(t);
    assert.strictEqual(tree.boxes.length, 1);
    assert.deepStrictEqual(tree.boxes[0].boxes, []);
    assert.strictEqual(tree.boxes[0].values.length, t.nodes.length);
    assert.strictEqual(describePath(tree, t.root), "");
  });

  const sampleCases = [
    { name: "xor: 4 samples stay apart", make: xorTrace, samples: 4, folded: false },
    { name: "6 samples fold into a series", make: hingeTrace, samples: 6, folded: true },
  ];
  for (const c of sampleCases) {
    it(`names the model's calls sample 1..N (${c.name})`, () => {
      const tree = groupTree(c.make());
      const calls = tree.boxes.filter((b) => b.kind === "model");
      assert.deepStrictEqual(
        calls.map((b) => b.sample).sort((a, b) => a! - b!),
        Array.from({ length: c.samples }, (_, i) => i + 1),
      );
      for (const b of calls) assert.strictEqual(b.name, "MLP");
      const series = tree.boxes.filter((b) => b.kind === "series" && b.name.startsWith("MLP"));
      if (!c.folded) {
        for (const b of calls) assert.strictEqual(b.parent, 0, "a sample sits in the whole graph");
        assert.strictEqual(series.length, 0);
        return;
      }
      assert.strictEqual(series.length, 1);
      const s = series[0];
      assert.strictEqual(s.name, `MLP · sample ×${c.samples}`);
      assert.strictEqual(s.parent, 0);
      assert.ok(tree.boxes[0].boxes.includes(s.key));
      assert.deepStrictEqual(
        s.boxes.slice().sort((a, b) => a - b),
        calls.map((b) => b.key).sort((a, b) => a - b),
        "its members are the sample boxes",
      );
      assert.deepStrictEqual(
        s.boxes.map((k) => tree.boxes[k].sample),
        [1, 2, 3, 4, 5, 6],
        "in sample order",
      );
      for (const k of s.boxes) {
        assert.strictEqual(tree.boxes[k].parent, s.key);
        assert.ok(!tree.boxes[0].boxes.includes(k), "a member is no longer a child of the root");
      }
      assert.deepStrictEqual(s.values, [], "a series holds no values of its own");
    });
  }

  it("folds 5+ alike siblings and leaves fewer alone", () => {
    const cases = [
      { make: hingeTrace, parentName: "hinge loss", stem: "term", count: 6, fold: true },
      { make: xorTrace, parentName: "mse", stem: "term", count: 4, fold: false },
      { make: wideTrace, parentName: "layer 1", stem: "neuron", count: 16, fold: true },
      { make: xorTrace, parentName: "layer 1", stem: "neuron", count: 4, fold: false },
    ];
    assert.ok(SERIES_MIN === 5);
    for (const c of cases) {
      const tree = groupTree(c.make());
      const parent = tree.boxes.find((b) => b.name === c.parentName && b.kind !== "params")!;
      assert.ok(parent, c.parentName);
      const kids = parent.boxes.map((k) => tree.boxes[k]);
      const series = kids.filter((b) => b.kind === "series");
      const loose = kids.filter((b) => b.kind !== "series" && b.name.startsWith(`${c.stem} `));
      if (c.fold) {
        assert.strictEqual(series.length, 1, `${c.parentName}: one series`);
        assert.strictEqual(series[0].name, `${c.stem} ×${c.count}`);
        assert.strictEqual(loose.length, 0);
        const members = series[0].boxes.map((k) => tree.boxes[k]);
        assert.deepStrictEqual(
          members.map((b) => b.name),
          Array.from({ length: c.count }, (_, i) => `${c.stem} ${i + 1}`),
        );
        for (const m of members) assert.strictEqual(m.parent, series[0].key);
        assert.strictEqual(
          series[0].size,
          members.reduce((s, b) => s + b.size, 0),
        );
      } else {
        assert.strictEqual(series.length, 0, `${c.parentName}: no series`);
        assert.strictEqual(loose.length, c.count);
      }
    }
  });

  it("folds at exactly seriesMin and not one below", () => {
    const t = hingeTrace(); // 6 samples
    assert.ok(groupTree(t, 6).boxes.some((b) => b.name === "MLP · sample ×6"));
    assert.ok(!groupTree(t, 7).boxes.some((b) => b.kind === "series"));
  });

  it("a module called once has its parameters in its call box", () => {
    const t = neuronTrace();
    const tree = groupTree(t);
    assert.strictEqual(tree.boxes.length, 2);
    const call = tree.boxes[1];
    assert.strictEqual(call.kind, "neuron");
    assert.strictEqual(call.name, "Neuron");
    assert.strictEqual(call.sample, undefined, "one call is not a sample");
    const labels = call.values.map((id) => t.nodes.find((n) => n.id === id)!.label);
    for (const l of ["w0", "w1", "b"]) assert.ok(labels.includes(l), `${l} in the call box`);
    assert.ok(!tree.boxes.some((b) => b.kind === "params"));
    assert.strictEqual(call.size, t.nodes.length - 1, "everything but the root");
    assert.deepStrictEqual(tree.boxes[0].values, [t.root]);
  });

  it("a wide MLP called once keeps every weight in the calls, no params box", () => {
    const t = wideTrace();
    const tree = groupTree(t);
    assert.ok(!tree.boxes.some((b) => b.kind === "params"));
    const params = t.nodes.filter((n) => isParam(t, n.id));
    assert.strictEqual(params.length, 16 * 3 + 17);
    for (const p of params) assert.strictEqual(tree.boxes[tree.boxOf.get(p.id)!].kind, "neuron", p.label);
  });

  for (const [name, make] of [
    ["xor", xorTrace],
    ["hinge", hingeTrace],
  ] as const) {
    it(`a module called many times keeps its parameters in a "params" box (${name})`, () => {
      const t = make();
      const tree = groupTree(t);
      const params = t.nodes.filter((n) => isParam(t, n.id));
      assert.ok(params.length > 0);
      for (const p of params) {
        const box = tree.boxes[tree.boxOf.get(p.id)!];
        assert.strictEqual(box.kind, "params", `${p.label} (${p.module})`);
        // no params box sits inside a call
        for (const k of ancestors(tree, box.key)) assert.ok(["params", "root"].includes(tree.boxes[k].kind));
      }
      const top = tree.boxes.filter((b) => b.kind === "params" && b.parent === 0);
      assert.deepStrictEqual(
        top.map((b) => b.name),
        ["MLP parameters"],
      );
      for (const b of tree.boxes.filter((b) => b.kind === "params")) assert.strictEqual(b.sample, undefined);
      // and no call box holds a parameter
      for (const b of tree.boxes.filter((b) => b.kind !== "params")) for (const id of b.values) assert.ok(!isParam(t, id));
    });
  }

  it("describePath names a value's place, sample last", () => {
    const rows = [
      { make: xorTrace, sample: 3, layer: "layer 1", neuron: "neuron 2", want: "MLP › layer 1 › neuron 2, sample 3" },
      { make: xorTrace, sample: 1, layer: "layer 2", neuron: "neuron 1", want: "MLP › layer 2 › neuron 1, sample 1" },
      { make: hingeTrace, sample: 5, layer: "layer 1", neuron: "neuron 3", want: "MLP › layer 1 › neuron 3, sample 5" },
    ];
    for (const r of rows) {
      const t = r.make();
      const tree = groupTree(t);
      const call = tree.boxes.find((b) => b.kind === "model" && b.sample === r.sample)!;
      const layer = call.boxes.map((k) => tree.boxes[k]).find((b) => b.name === r.layer)!;
      const neuron = layer.boxes.map((k) => tree.boxes[k]).find((b) => b.name === r.neuron)!;
      assert.ok(neuron.values.length > 0);
      for (const id of neuron.values) {
        assert.strictEqual(describePath(tree, id), r.want);
        const path = pathOf(tree, id);
        assert.deepStrictEqual(path, [call.key, layer.key, neuron.key], "pathOf leaves out the series");
      }
    }
  });

  it("describePath of parameters and loss values", () => {
    const t = xorTrace();
    const tree = groupTree(t);
    const w = t.nodes.find((n) => n.module === "MLP/L1/N2" && n.label === "w0")!;
    assert.strictEqual(describePath(tree, w.id), "MLP parameters › layer 1 › neuron 2");
    const term = tree.boxes.find((b) => b.name === "term 3")!;
    assert.strictEqual(describePath(tree, term.values[0]), "mse › term 3");
    assert.strictEqual(describePath(tree, t.root), "");
  });

  it("a sample's outputs include the model's output that the loss reads", () => {
    const t = xorTrace();
    const tree = groupTree(t);
    const byId = new Map(t.nodes.map((n) => [n.id, n]));
    for (const call of tree.boxes.filter((b) => b.kind === "model")) {
      assert.ok(call.outputs.length >= 1);
      for (const id of call.outputs) {
        const inside = (k: number) => ancestors(tree, k).includes(call.key);
        assert.ok(inside(tree.boxOf.get(id)!), "an output is inside the box");
        const usedOutside = t.nodes.some((n) => n.children.includes(id) && !inside(tree.boxOf.get(n.id)!));
        assert.ok(usedOutside || id === t.root, `output ${byId.get(id)!.label} is used outside`);
      }
    }
  });
});

describe("a big tensor op opens element by element", () => {
  const grid = (r: number, c: number, k: number) =>
    Array.from({ length: r }, (_, i) => Array.from({ length: c }, (_, j) => Math.sin(k + i * c + j)));
  it("a [12×6]·[6×5] matmul: a box per row, in it a box per output element with its products and sums", () => {
    const X = tensor(grid(12, 6, 1), "X");
    const W = tensor(grid(6, 5, 2), "W");
    const trace = traceOf(X.matmul(W).sum().values[0]);
    const tree = groupTree(trace);
    const op = tree.boxes.find((b) => b.tensor?.op === "matmul")!;
    assert.ok(op.size > ELEMENTS_FROM);
    assert.strictEqual(op.values.length, 0, "every value is in an element's box");
    assert.strictEqual(op.boxes.length, 1);
    const rows = tree.boxes[op.boxes[0]];
    assert.strictEqual(rows.kind, "series");
    assert.strictEqual(rows.boxes.length, 12, "12 rows");
    rows.boxes.forEach((key, r) => {
      const row = tree.boxes[key];
      assert.strictEqual(row.name, `row ${r + 1}`);
      const cols = tree.boxes[row.boxes[0]];
      assert.strictEqual(cols.kind, "series", "its 5 elements folded");
      cols.boxes.forEach((ek, c) => {
        const e = tree.boxes[ek];
        // each element: 6 products and 5 sums, ending with C's element
        assert.strictEqual(e.values.length, 11);
        assert.strictEqual(e.values[e.values.length - 1], op.tensor!.values[r * 5 + c]);
      });
    });
    assert.match(describePath(tree, op.tensor!.values[7]), /X·W › row 2 › column 3$/);
  });

  it("a small op, or one whose elements are one value each, stays one box", () => {
    const X = tensor(grid(2, 3, 1), "X");
    const W = tensor(grid(3, 2, 2), "W");
    const big = tensor(grid(20, 8, 3), "B");
    const trace = traceOf(X.matmul(W).sum().add(big.tanh().sum()).values[0]);
    const tree = groupTree(trace);
    for (const b of tree.boxes.filter((x) => x.tensor))
      assert.ok(!b.boxes.some((k) => tree.boxes[k].kind === "element" || tree.boxes[k].kind === "series"), b.name);
  });
});

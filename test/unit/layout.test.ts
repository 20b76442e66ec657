// the graph layout: inputs left of what uses them, nothing drawn on top of anything else
import * as assert from "node:assert";
import { layout } from "../../src/webview/layout";

function graph(edges: Record<number, number[]>) {
  const ids = Object.keys(edges).map(Number).sort((a, b) => a - b);
  return { ids, children: new Map(ids.map((id) => [id, edges[id]])) };
}

describe("layout", () => {
  // the neuron: 1..5 leaves (x1 x2 w1 w2 b), 6 = x1*w1, 7 = x2*w2, 8 = 6+7, 9 = 8+b, 10 = tanh 9
  const neuron = graph({ 1: [], 2: [], 3: [], 4: [], 5: [], 6: [1, 3], 7: [2, 4], 8: [6, 7], 9: [8, 5], 10: [9] });

  it("puts every value right of its op node, and its op node right of its children", () => {
    const { column } = layout(neuron);
    for (const [id, kids] of neuron.children) {
      for (const c of kids) assert.ok(column.get(c)! <= column.get(id)! - 2, `${c} left of op of ${id}`);
    }
    assert.strictEqual(column.get(10), Math.max(...column.values()), "the root is rightmost");
  });

  it("draws a leaf next to where it is used", () => {
    const { column } = layout(neuron);
    assert.strictEqual(column.get(5), column.get(9)! - 2, "the bias b sits by its + node, not at the far left");
    assert.strictEqual(column.get(1), 0);
  });

  it("keeps nodes in one column at least one row apart", () => {
    const g = graph({ 1: [], 2: [], 3: [1, 2], 4: [1, 2], 5: [3, 4], 6: [5, 5] });
    const { column, row } = layout(g);
    const cols = new Map<number, number[]>();
    for (const id of g.ids) {
      const c = column.get(id)!;
      cols.set(c, [...(cols.get(c) ?? []), row.get(id)!]);
      if (g.children.get(id)!.length) cols.set(c - 1, [...(cols.get(c - 1) ?? []), row.get(`op:${id}`)!]);
    }
    for (const rows of cols.values()) {
      rows.sort((a, b) => a - b);
      for (let i = 1; i < rows.length; i++) assert.ok(rows[i] - rows[i - 1] >= 1 - 1e-9, `rows ${rows}`);
    }
  });

  it("lays out a long chain without recursion", () => {
    const edges: Record<number, number[]> = { 0: [] };
    for (let i = 1; i < 20_000; i++) edges[i] = [i - 1];
    const { column } = layout(graph(edges));
    assert.strictEqual(column.get(19_999), 2 * 19_999);
  });
});

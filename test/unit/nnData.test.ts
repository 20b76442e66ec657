// datasets and the seeded generator.

import { strict as assert } from "node:assert";
import { Random, iris, rng, twoMoons, xor } from "../../src/engine";

describe("datasets", () => {
  it("iris: 150 rows, 50 per class, fisher's column means", () => {
    const { X, y, classes } = iris();
    assert.equal(X.length, 150);
    assert.ok(X.every((r) => r.length === 4));
    assert.deepEqual(
      [0, 1, 2].map((c) => y.filter((v) => v === c).length),
      [50, 50, 50],
    );
    assert.deepEqual(classes, ["setosa", "versicolor", "virginica"]);
    const means = [0, 1, 2, 3].map((j) => X.reduce((s, r) => s + r[j], 0) / 150);
    const want = [5.843, 3.057, 3.758, 1.199];
    means.forEach((m, j) => assert.ok(Math.abs(m - want[j]) < 5e-4, `column ${j}: ${m}`));
    // per-class petal length means of fisher's table
    const petal = [0, 1, 2].map((c) => X.filter((_, i) => y[i] === c).reduce((s, r) => s + r[2], 0) / 50);
    assert.deepEqual(
      petal.map((m) => Math.round(m * 1000) / 1000),
      [1.462, 4.26, 5.552],
    );
    assert.deepEqual(X[0], [5.1, 3.5, 1.4, 0.2]);
    assert.deepEqual(X[149], [5.9, 3.0, 5.1, 1.8]);
    X[0][0] = 99;
    assert.equal(iris().X[0][0], 5.1); // a fresh copy each call
  });

  it("xor", () => {
    const { X, y } = xor();
    assert.deepEqual(
      X.map(([a, b]) => a ^ b),
      y,
    );
  });

  it("twoMoons: balanced, seeded, on the two half circles", () => {
    const d = twoMoons(100, 0.1, 3);
    assert.equal(d.X.length, 100);
    assert.equal(d.y.filter((v) => v === 0).length, 50);
    assert.deepEqual(twoMoons(100, 0.1, 3), d);
    assert.notDeepEqual(twoMoons(100, 0.1, 4).X, d.X);
    const clean = twoMoons(7, 0, 1);
    assert.equal(clean.y.filter((v) => v === 1).length, 4);
    for (let i = 0; i < clean.X.length; i++) {
      const [x, y] = clean.X[i];
      const [cx, cy] = clean.y[i] === 0 ? [0, 0] : [1, 0.5];
      assert.ok(Math.abs(Math.hypot(x - cx, y - cy) - 1) < 1e-12);
      assert.ok(clean.y[i] === 0 ? y >= -1e-12 : y <= 0.5 + 1e-12);
    }
    // shuffled: labels are not in two blocks
    assert.notDeepEqual(d.y.slice(0, 50), new Array(50).fill(0));
  });
});

describe("Random", () => {
  it("is deterministic per seed and uniform in [0, 1)", () => {
    const a = rng(1);
    const b = new Random(1);
    const xs = Array.from({ length: 1000 }, () => a.next());
    assert.deepEqual(
      xs.slice(0, 5),
      Array.from({ length: 5 }, () => b.next()),
    );
    assert.ok(xs.every((x) => x >= 0 && x < 1));
    const m = xs.reduce((s, x) => s + x, 0) / xs.length;
    assert.ok(Math.abs(m - 0.5) < 0.03);
  });

  it("uniform, normal, int, shuffle", () => {
    const r = rng(7);
    const u = Array.from({ length: 2000 }, () => r.uniform(-1, 1));
    assert.ok(u.every((x) => x >= -1 && x < 1));
    const n = Array.from({ length: 20000 }, () => r.normal(2, 3));
    const mean = n.reduce((s, x) => s + x, 0) / n.length;
    const sd = Math.sqrt(n.reduce((s, x) => s + (x - mean) ** 2, 0) / n.length);
    assert.ok(Math.abs(mean - 2) < 0.1 && Math.abs(sd - 3) < 0.1, `${mean} ${sd}`);
    const k = Array.from({ length: 1000 }, () => r.int(3));
    assert.deepEqual([...new Set(k)].sort(), [0, 1, 2]);
    const s = r.shuffle([1, 2, 3, 4, 5, 6]);
    assert.deepEqual([...s].sort(), [1, 2, 3, 4, 5, 6]);
  });
});

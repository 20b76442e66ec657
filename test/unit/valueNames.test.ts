// values computed inside an expression are named by it, as the lecture writes them; labels (and
// the variable names the loader gives) still win. on traces the real engine makes.
import * as assert from "node:assert";
import { Value } from "../../src/engine";
import { sumTerms } from "../../src/webview/details";
import { nameExpressions, nameOf } from "../../src/webview/names";
import { traceOf } from "./traceOf";

/** the names of the values the script made, by what they are */
function namesOf(root: Value): string[] {
  const t = traceOf(root);
  nameExpressions(t);
  return t.nodes.filter((n) => n.children.length > 0).map(nameOf);
}

const v = (data: number, label: string) => new Value(data, label);

describe("names of values computed inside an expression", () => {
  const table: [string, () => Value, string][] = [
    ["a product", () => v(2, "x1").mul(v(-3, "w1")), "x1*w1"],
    [
      "the neuron's sum",
      () =>
        v(2, "x1")
          .mul(v(-3, "w1"))
          .add(v(0, "x2").mul(v(1, "w2"))),
      "x1*w1 + x2*w2",
    ],
    ["its activation", () => v(2, "x1").mul(v(-3, "w1")).add(v(6.88, "b")).tanh(), "tanh(x1*w1 + b)"],
    ["a sum times a value", () => v(1, "a").add(v(2, "b")).mul(v(3, "c")), "(a + b)*c"],
    ["a difference of a sum", () => v(1, "a").sub(v(2, "b").add(v(3, "c"))), "a - (b + c)"],
    ["a square", () => v(1, "a").mul(v(2, "b")).pow(2), "(a*b)**2"],
    ["a lifted constant", () => v(1, "x").mul(3), "x*3"],
    ["a quotient of products", () => v(1, "a").div(v(2, "b").mul(v(3, "c"))), "a/(b*c)"],
  ];
  for (const [what, make, name] of table)
    it(`${what}: ${name}`, () => {
      const names = namesOf(make());
      assert.strictEqual(names[names.length - 1], name);
    });

  it("a long sum is shortened readably, never to an id", () => {
    let s = v(0, "t0");
    for (let i = 1; i < 50; i++) s = s.add(v(i, `t${i}`));
    const names = namesOf(s);
    assert.match(names[names.length - 1], /^… \+ (t4\d \+ )*t49$/);
    for (const n of names) assert.ok(!n.startsWith("#") && n.length <= 28, n);
  });

  it("a label wins over the expression, and names what uses it", () => {
    const e = v(1, "a").mul(v(2, "b"));
    e.label = "e";
    assert.deepStrictEqual(namesOf(e.add(v(1, "c"))), ["e", "e + c"]);
  });

  it("the forward pass writes the neuron's sum out as its terms: n = x1*w1 + x2*w2 + b", () => {
    const n = v(2, "x1")
      .mul(v(-3, "w1"))
      .add(v(0, "x2").mul(v(1, "w2")))
      .add(v(6.8813735870195432, "b"));
    const t = traceOf(n);
    nameExpressions(t);
    const nodes = new Map(t.nodes.map((x) => [x.id, x]));
    const terms = sumTerms(nodes.get(t.root)!, nodes)!;
    assert.deepStrictEqual(terms.map(nameOf), ["x1*w1", "x2*w2", "b"]);
    assert.deepStrictEqual(
      terms.map((x) => x.data),
      [-6, 0, 6.8813735870195432],
    );
  });

  it("a long sum is not written out: its two inputs read better than fifty terms", () => {
    let s = v(0, "t0");
    for (let i = 1; i < 50; i++) s = s.add(v(i, `t${i}`));
    const t = traceOf(s);
    nameExpressions(t);
    const nodes = new Map(t.nodes.map((x) => [x.id, x]));
    assert.strictEqual(sumTerms(nodes.get(t.root)!, nodes), undefined);
  });
});

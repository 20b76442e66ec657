// names without ceremony: a value the script did not label shows the name of the variable it was
// first assigned to, and every error place and creation place stays exactly where it was
import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { failure, scriptFolder } from "./scriptRun";
import { decodeVlq, encodeVlq } from "../../src/runner/autoNames";

const { dir, run } = scriptFolder("names-test-", { maxNodes: 1000 });

const HEADER = 'import { Value } from "backprop-stepper";\n';
/** prints the labels of the named expressions, as JSON */
const show = (...exprs: string[]) => `console.log(JSON.stringify([${exprs.map((e) => `${e}.label`).join(", ")}]));\n`;

/** the labels the script printed */
async function labels(name: string, body: string): Promise<string[]> {
  const { outcome, out } = await run(name, body);
  assert.ok(outcome.ok, JSON.stringify(outcome));
  return JSON.parse(out);
}

/** 1-based line and column of the n-th (0-based) occurrence of `text` in `source` */
function placeOf(source: string, text: string, n = 0): { line: number; column: number } {
  let at = -1;
  for (let i = 0; i <= n; i++) at = source.indexOf(text, at + 1);
  assert.ok(at >= 0, `${text} is in the script`);
  const before = source.slice(0, at).split("\n");
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

describe("names without ceremony", function () {
  this.timeout(20_000);

  it("names a value after the const, let or var it is declared as, and the trace carries the name", async () => {
    const { outcome, out } = await run(
      "declared.ts",
      HEADER +
        'const a = new Value(2, "a");\nconst b = new Value(-3);\nconst e = a.mul(b);\nlet loss: Value = e.tanh(), other = e.exp();\nvar d = other.add(1);\n' +
        "loss.backward();\n" +
        show("b", "e", "loss", "other", "d"),
    );
    assert.ok(outcome.ok, JSON.stringify(outcome));
    assert.deepStrictEqual(JSON.parse(out), ["b", "e", "loss", "other", "d"]);
    const trace = outcome.result.trace!;
    assert.deepStrictEqual(trace.nodes.map((n) => n.label).sort(), ["a", "b", "e", "loss"]);
  });

  it("names both the first and the new value of a reassigned variable", async () => {
    const got = await labels(
      "reassigned.ts",
      HEADER +
        "const first: Value[] = [];\nlet L = new Value(0.5);\nfirst.push(L);\nL = L.tanh();\n" +
        "let x = new Value(1);\nconst x0 = x;\nx = x.add(1); x = x.add(2)\nx = x.mul(3)\n" +
        show("first[0]", "L", "x0", "x", "x.children[0]", "x.children[0].children[0]", "x.children[1]"),
    );
    // x.children[1] is the 3 the engine lifted: no variable holds it
    assert.deepStrictEqual(got, ["L", "L", "x", "x", "x", "x", ""]);
  });

  it("leaves destructuring, property assignments and for-loop headers alone", async () => {
    const got = await labels(
      "leftAlone.ts",
      HEADER +
        "const a = new Value(2);\nconst [p, q] = [a.add(1), a.add(2)];\nconst { r } = { r: a.add(3) };\n" +
        "const o = { x: a };\no.x = a.mul(5);\n" +
        "class Unit {\n  w: Value;\n  constructor() {\n    this.w = new Value(0.5);\n  }\n}\nconst u = new Unit();\n" +
        "const vs = [a.mul(2)];\nlet last = a;\nfor (let v = a.mul(7); v.data < 100; v = v.mul(2)) last = v;\n" +
        show("p", "q", "r", "o.x", "u.w", "vs[0]", "last", "last.children[0]"),
    );
    // `last = v` is the body of the for statement, not a statement of a block: left alone too
    assert.deepStrictEqual(got, ["", "", "", "", "", "", "", ""]);
  });

  it("lets the script's own labels win, and does not rename a labelled value", async () => {
    const got = await labels(
      "scriptWins.ts",
      HEADER +
        'const first = new Value(1, "a");\nconst v = first.mul(2);\nv.label = "x";\nconst y = v;\nconst z = y.add(1);\nconst alias = z;\nlet w = z;\nw = first;\n' +
        show("first", "v", "y", "z", "alias", "w"),
    );
    assert.deepStrictEqual(got, ["a", "x", "x", "z", "z", "a"]);
  });

  it("names only Values: numbers, arrays, functions and other objects are left as they are", async () => {
    const { outcome, out } = await run(
      "onlyValues.ts",
      HEADER +
        'const n = 3;\nconst s = "text";\nconst arr = [new Value(1)];\nconst f = (x: Value) => x.mul(2);\nconst obj = { label: "" };\nlet m = obj;\nm = { label: "" };\nconst nothing = null;\nconst g = f(arr[0]);\n' +
        "console.log(JSON.stringify([n, s, arr[0].label, obj.label, m.label, nothing, g.label, Object.keys(globalThis).some((k) => /backprop/i.test(k))]));\n",
    );
    assert.ok(outcome.ok, JSON.stringify(outcome));
    assert.deepStrictEqual(JSON.parse(out), [3, "text", "", "", "", null, "g", false]);
  });

  it("names values in files the script imports, and in function bodies, loops and switch cases", async () => {
    fs.writeFileSync(
      path.join(dir, "unit.ts"),
      HEADER +
        "export const w = new Value(0.5);\nexport function neuron(x: Value): Value {\n  const act = x.mul(w);\n  const out = act.tanh();\n  return out;\n}\n",
    );
    const got = await labels(
      "imports.ts",
      HEADER +
        'import { neuron, w } from "./unit";\nconst y = neuron(new Value(2));\nconst zs: Value[] = [];\n' +
        "for (let i = 0; i < 3; i++) {\n  const z = y.mul(i);\n  zs.push(z);\n}\n" +
        "let picked = y;\nswitch (zs.length) {\n  case 3:\n    picked = zs[2].neg();\n    break;\n}\n" +
        show("w", "y", "y.children[0]", "zs[0]", "zs[1]", "zs[2]", "picked"),
    );
    // y is the neuron's `out`: named inside the neuron first
    assert.deepStrictEqual(got, ["w", "out", "act", "z", "z", "z", "picked"]);
  });

  it("keeps the place of a throw on the same line as a named statement and on the lines after it", async () => {
    const sameLine =
      HEADER + 'const a = new Value(2);\nconst e = a.mul(a); let k = e.add(1); if (k.data > 0) throw new Error("same line");\n';
    const s = await run("throwSameLine.ts", sameLine);
    assert.deepStrictEqual(failure(s.outcome).pos, { file: s.file, ...placeOf(sameLine, "new Error") });

    const nextLine =
      HEADER +
      "const a = new Value(2);\nconst e = a.mul(a); let k = e.add(1);\n  k = k.mul(2); const bad = (k as unknown as { nope(): void }).nope();\n";
    const n = await run("throwNextLine.ts", nextLine);
    const e = failure(n.outcome);
    assert.match(e.message, /nope is not a function/);
    assert.deepStrictEqual(e.pos, { file: n.file, ...placeOf(nextLine, "nope()", 1) });

    // an engine error thrown from the user's call on a line after two named statements
    const engine = HEADER + "const a = new Value(2); const b = a.mul(3)\nconst c = b.add([] as unknown as number); // no\n";
    const g = await run("engineThrow.ts", engine);
    const ge = failure(g.outcome);
    assert.match(ge.message, /expected a Value or a number/);
    assert.deepStrictEqual(ge.pos, { file: g.file, ...placeOf(engine, "add(") });
  });

  it("keeps a syntax error only node finds at its place after named statements", async () => {
    const script = HEADER + "const a = new Value(1); const e = a.mul(2);\nlet q: string = 'x';   const e = 2;\n";
    const { outcome, file } = await run("dupAfterNamed.ts", script);
    const e = failure(outcome);
    assert.strictEqual(e.kind, "syntax");
    assert.match(e.message, /'e' has already been declared/);
    assert.deepStrictEqual(e.pos, { file, ...placeOf(script, "e = 2") });
  });

  it("keeps each value's creation line and column", async () => {
    const script =
      HEADER +
      'const a = new Value(2, "a"); const e = a.mul(3); const f = e.add(1);\n' +
      "let g = f\n  .tanh(); const gg = g.exp()\nconst h = gg.mul(e); h.backward();\n";
    const { outcome } = await run("locs.ts", script);
    assert.ok(outcome.ok, JSON.stringify(outcome));
    const byLabel = new Map(outcome.result.trace!.nodes.map((n) => [n.label, n]));
    assert.deepStrictEqual([...byLabel.keys()].sort(), ["", "a", "e", "f", "g", "gg", "h"]);
    assert.deepStrictEqual(byLabel.get("a")!.loc, placeOf(script, "new Value(2"));
    assert.deepStrictEqual(byLabel.get("e")!.loc, placeOf(script, "mul(3"));
    assert.deepStrictEqual(byLabel.get("f")!.loc, placeOf(script, "add(1"));
    assert.deepStrictEqual(byLabel.get("g")!.loc, { line: 4, column: 4 });
    assert.deepStrictEqual(byLabel.get("gg")!.loc, placeOf(script, "exp("));
    assert.deepStrictEqual(byLabel.get("h")!.loc, placeOf(script, "mul(e"));
  });

  it("names values in a script with top-level await, whose places stay mapped", async () => {
    const script =
      HEADER +
      "const later = (ms: number) => new Promise<number>((r) => setTimeout(() => r(3), ms));\n" +
      'const a = new Value(await later(5)); const b = a.mul(a);\nconst c = b.add(await later(1)); c.backward();\nconsole.log(JSON.stringify([a.label, b.label, c.label]));\nif (c.data > 0) throw new Error("after");\n';
    const { outcome, file, out } = await run("await.ts", script);
    assert.strictEqual(out, '["a","b","c"]\n');
    assert.ok(!outcome.ok, "the run failed");
    assert.deepStrictEqual(outcome.error.pos, { file, ...placeOf(script, "new Error") });
    const byLabel = new Map(outcome.partial!.trace!.nodes.map((n) => [n.label, n]));
    assert.deepStrictEqual(byLabel.get("b")!.loc, placeOf(script, "mul(a)"));
    assert.deepStrictEqual(byLabel.get("c")!.loc, placeOf(script, "add(await"));
  });
});

describe("source map numbers (base64 VLQ)", () => {
  const cases: [number[], string][] = [
    [[0], "A"],
    [[1], "C"],
    [[-1], "D"],
    [[15], "e"],
    [[16], "gB"],
    [[-16], "hB"],
    [[0, 0, 16, 1], "AAgBC"],
    [[1234567, -89, 0, 5], "uorrCzFAK"],
  ];
  for (const [fields, text] of cases) {
    it(`${JSON.stringify(fields)} <-> ${text}`, () => {
      assert.strictEqual(encodeVlq(fields), text);
      assert.deepStrictEqual(decodeVlq(text), fields);
    });
  }
});

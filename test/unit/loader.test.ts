// the script loader: node loads each .ts file itself (types stripped), so a script sees node as
// node is, and every error keeps its exact line and column
import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { failure, scriptFolder } from "./scriptRun";

const { dir, run } = scriptFolder("loader-test-", { maxNodes: 1000 });

describe("script loader", function () {
  this.timeout(20_000);

  before(() => {
    fs.writeFileSync(path.join(dir, "data.json"), '{ "xs": [1, 2, 3] }\n');
    fs.writeFileSync(path.join(dir, "util.ts"), "export const half = (n: number): number => n / 2;\n");
  });

  it("gives the script its own __dirname and __filename", async () => {
    const { outcome, file, out } = await run(
      "paths.ts",
      'import * as fs from "node:fs";\nimport * as path from "node:path";\n' +
        'const raw: { xs: number[] } = JSON.parse(fs.readFileSync(path.join(__dirname, "data.json"), "utf8"));\n' +
        "console.log(__filename, __dirname, raw.xs[2]);\n",
    );
    assert.ok(outcome.ok, JSON.stringify(outcome));
    assert.strictEqual(out, `${file} ${dir} 3\n`);
  });

  it("runs top-level await, and the script's errors after it keep their line", async () => {
    const ok = await run(
      "await.ts",
      'import { Value } from "backprop-stepper";\nconst later = (ms: number) => new Promise<number>((r) => setTimeout(() => r(3), ms));\n' +
        'const a = new Value(await later(5), "a");\nconst b = a.mul(a);\nb.backward();\nconsole.log(a.grad);\n',
    );
    assert.ok(ok.outcome.ok, JSON.stringify(ok.outcome));
    assert.strictEqual(ok.out, "6\n");
    assert.deepStrictEqual(ok.outcome.result.trace!.nodes.find((n) => n.label === "a")!.loc, { line: 3, column: 11 });

    const bad = await run("awaitThrows.ts", 'await Promise.resolve();\nconst n: number = 1;\nif (n) throw new Error("after await");\n');
    const e = failure(bad.outcome);
    assert.strictEqual(e.message, "Error: after await");
    assert.deepStrictEqual(e.pos, { file: bad.file, line: 3, column: 14 });
  });

  it("says top-level await in an imported file is not supported, at its line", async () => {
    fs.writeFileSync(path.join(dir, "waits.ts"), "export const x = 1;\n  await Promise.resolve();\n");
    const { outcome } = await run("importsWaits.ts", 'import { x } from "./waits";\nconsole.log(x);\n');
    const e = failure(outcome);
    assert.strictEqual(e.kind, "syntax");
    assert.match(e.message, /top-level await/);
    assert.deepStrictEqual(e.pos, { file: path.join(dir, "waits.ts"), line: 2, column: 3 });
  });

  it("imports json, a .ts file named .js, and node's built-ins", async () => {
    const { outcome, out } = await run(
      "imports.ts",
      'import data from "./data.json";\nimport { half } from "./util.js";\nimport { basename } from "node:path";\nconsole.log(data.xs.length, half(5), basename("/a/b.ts"));\n',
    );
    assert.ok(outcome.ok, JSON.stringify(outcome));
    assert.strictEqual(out, "3 2.5 b.ts\n");
  });

  it("reports a syntax error only v8 finds at its exact column, types removed before it", async () => {
    const { outcome, file } = await run("dup.ts", "const a: number = 1;\nlet q: string = 'x';   const a: number = 2;\n");
    const e = failure(outcome);
    assert.strictEqual(e.kind, "syntax");
    assert.match(e.message, /'a' has already been declared/);
    assert.deepStrictEqual(e.pos, { file, line: 2, column: 30 });
  });

  it("keeps a throw's column exact after type annotations on its line", async () => {
    const { outcome, file } = await run(
      "columns.ts",
      "const f = (x: number, y: Array<string>): number => { throw new Error(`x${x}${y}`); };\nf(1, []);\n",
    );
    const e = failure(outcome);
    assert.deepStrictEqual(e.pos, { file, line: 1, column: 60 });
  });

  it("reports a syntax error in an imported file at that file's place", async () => {
    fs.writeFileSync(path.join(dir, "broken.ts"), "export const y = 1;\nexport const z = (;\n");
    const { outcome } = await run("importsBroken.ts", 'import { y } from "./broken";\nconsole.log(y);\n');
    const e = failure(outcome);
    assert.strictEqual(e.kind, "syntax");
    assert.strictEqual(e.message, 'Unexpected ";"');
    assert.deepStrictEqual(e.pos, { file: path.join(dir, "broken.ts"), line: 2, column: 19 });
  });
});

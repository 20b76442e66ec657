// the runner over bad scripts: each failure gives its message at the user's own line
import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { disposeSpareWorker, prepareWorker } from "../../src/runner/runScript";
import { TIMING_ENV } from "../../src/shared/timing";
import { WORKER, failure, scriptFolder, type ScriptRun } from "./scriptRun";

const { dir, run } = scriptFolder("runner-test-");

const HEADER = 'import { Value } from "backprop-stepper";\n';

describe("runner", function () {
  this.timeout(20_000);

  it("runs a script, keeps its console output in order and returns the last backward's trace", async () => {
    const { outcome, console } = await run(
      "ok.ts",
      HEADER +
        'const a = new Value(2, "a");\nconst b = a.mul(a).add(1);\nconsole.log("one");\nb.backward();\nconsole.log("two", a.grad);\n',
    );
    assert.ok(outcome.ok);
    assert.strictEqual(console.map((c) => c.text).join(""), "one\ntwo 4\n");
    assert.strictEqual(outcome.result.calls.length, 1);
    const a = outcome.result.trace!.nodes.find((n) => n.label === "a")!;
    assert.strictEqual(a.grad, 4);
  });

  // a model's call, a value of the script's own, a loss and its backward(): what the engine's warm-ups run too
  const FRESH =
    'import { MLP, Value, mse } from "backprop-stepper";\n' +
    'const x = new Value(0.5, "x");\nconsole.log(x.id);\n' +
    "const model = new MLP(2, [2, 1]);\nconst loss = mse([model.forward([x, 1.5])[0]], [1]);\nloss.backward();\n";

  /** the run of FRESH started from nothing: ids, group ids and calls from the start, every value at its line */
  const assertFresh = ({ outcome, console }: ScriptRun) => {
    assert.ok(outcome.ok);
    assert.strictEqual(console.map((c) => c.text).join(""), "1\n");
    assert.deepStrictEqual(
      outcome.result.calls.map((c) => c.index),
      [0],
    );
    const trace = outcome.result.trace!;
    // every value the script made is in its graph: ids 1 to n, none left over from before the script
    const ids = trace.nodes.map((n) => n.id).sort((a, b) => a - b);
    assert.deepStrictEqual(
      ids,
      Array.from({ length: ids.length }, (_, i) => i + 1),
    );
    assert.strictEqual(Math.min(...trace.groups.map((g) => g.id)), 1);
    assert.ok(!trace.groups.some((g) => /prime|warm/.test(g.name)), "no group of the warm-ups'");
    // each value at the script's own line: x at 2, the model's parameters at 4, its call and the loss at 5
    assert.deepStrictEqual(trace.nodes.find((n) => n.label === "x")?.loc, { line: 2, column: 11 });
    const lines = new Set(trace.nodes.filter((n) => n.label !== "x").map((n) => n.loc?.line));
    assert.deepStrictEqual([...lines].sort(), [4, 5]);
    assert.strictEqual(outcome.result.locatedLimit, undefined);
  };

  it("starts a script's values, groups and backward() calls at 1, 1 and 0: the engine's warm-up before it leaves nothing", async () => {
    assertFresh(await run("fresh.ts", FRESH));
  });

  it("runs a script in a worker that warmed up while it waited as in a fresh one: counts from the start, lines found", async () => {
    // the extension's: a worker forked ahead of its run runs training steps, traced, while it waits
    prepareWorker(WORKER, 512);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    assertFresh(await run("warmed.ts", FRESH, { spare: false }));
  });

  it("has a worker ready for the next run within a second of a small one (a learner runs again soon)", async () => {
    // the run's timestamps say when its worker started: before the run was asked for, it was ready
    process.env[TIMING_ENV] = "1";
    try {
      const small = HEADER + 'const a = new Value(2, "a");\na.mul(a).backward();\n';
      await run("small-first.ts", small, { spare: true });
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const { outcome } = await run("small-next.ts", small, { spare: true });
      assert.ok(outcome.ok);
      const t = outcome.result.timing!;
      assert.ok(
        t["worker.start"] < t["host.fork"],
        `the worker started ${t["worker.start"] - t["host.fork"]} ms after the run was asked for`,
      );
    } finally {
      delete process.env[TIMING_ENV];
      disposeSpareWorker();
    }
  });

  it("reports a syntax error at its file, line and column", async () => {
    const { outcome, file } = await run("syntax.ts", HEADER + "const a = new Value(1);\nconst b = a.mul(;\n");
    const e = failure(outcome);
    assert.strictEqual(e.kind, "syntax");
    assert.deepStrictEqual(e.pos, { file, line: 3, column: 17 });
    assert.match(e.message, /Unexpected ";"/);
  });

  it("reports a throw at the throwing line, with the user's frames", async () => {
    const { outcome, file } = await run(
      "throws.ts",
      HEADER + '\nfunction check(v: Value): void {\n  if (v.data > 0) throw new Error("too big");\n}\ncheck(new Value(3));\n',
    );
    const e = failure(outcome);
    assert.strictEqual(e.kind, "runtime");
    assert.strictEqual(e.message, "Error: too big");
    assert.strictEqual(e.pos?.file, file);
    assert.strictEqual(e.pos?.line, 4);
    assert.deepStrictEqual(
      e.stack?.map((f) => f.line),
      [4, 6],
    );
  });

  it("reports a throw inside an imported file at that file's line", async () => {
    fs.writeFileSync(path.join(dir, "helper.ts"), 'export function boom(): never {\n  throw new RangeError("out of range");\n}\n');
    const { outcome } = await run("usesHelper.ts", 'import { boom } from "./helper";\n\nboom();\n');
    const e = failure(outcome);
    assert.strictEqual(e.message, "RangeError: out of range");
    assert.strictEqual(path.basename(e.pos!.file), "helper.ts");
    assert.strictEqual(e.pos!.line, 2);
    assert.deepStrictEqual(
      e.stack!.map((f) => `${path.basename(f.file)}:${f.line}`),
      ["helper.ts:2", "usesHelper.ts:3"],
    );
  });

  it("runs a script that imports a file next to it", async () => {
    fs.writeFileSync(path.join(dir, "data.ts"), "export const xs = [1, 2, 3];\n");
    const { outcome } = await run(
      "withData.ts",
      HEADER + 'import { xs } from "./data";\nconst s = xs.reduce((acc: Value, x) => acc.add(x), new Value(0, "s"));\ns.backward();\n',
    );
    assert.ok(outcome.ok);
    assert.strictEqual(outcome.result.trace!.nodes.at(-1)!.data, 6);
  });

  it("reports a missing import at its line", async () => {
    const { outcome, file } = await run("missing.ts", HEADER + 'import { xs } from "./nowhere";\nconsole.log(xs);\n');
    const e = failure(outcome);
    assert.strictEqual(e.kind, "import");
    assert.deepStrictEqual(e.pos, { file, line: 2, column: 20 });
    assert.match(e.message, /Could not resolve "\.\/nowhere"/);
  });

  it("stops an endless loop at the time limit and says how to raise it", async () => {
    const started = Date.now();
    const { outcome } = await run("endless.ts", "while (true) {}\n", { timeoutSeconds: 1 });
    const e = failure(outcome);
    assert.strictEqual(e.kind, "timeout");
    assert.match(e.message, /stopped after 1 s/);
    assert.match(e.hint!, /backpropStepper\.timeoutSeconds/);
    assert.ok(Date.now() - started < 5000, "stopped promptly");
  });

  it("stops runaway memory at the memory limit and says how to raise it", async () => {
    const { outcome } = await run("hungry.ts", "const keep: number[][] = [];\nwhile (true) keep.push(new Array(100000).fill(1));\n", {
      memoryMb: 64,
    });
    const e = failure(outcome);
    assert.strictEqual(e.kind, "memory");
    assert.match(e.message, /memory limit of 64 MB/);
    assert.match(e.hint!, /backpropStepper\.memoryMb/);
  });

  it("finishes with no backward calls when the script makes none", async () => {
    const { outcome } = await run("nobackward.ts", HEADER + "new Value(1).add(2);\n");
    assert.ok(outcome.ok);
    assert.strictEqual(outcome.result.calls.length, 0);
    assert.strictEqual(outcome.result.trace, undefined);
  });

  it("carries NaN and infinities through as data", async () => {
    const { outcome } = await run(
      "nan.ts",
      HEADER +
        'const a = new Value(-1, "a");\nconst z = new Value(0, "z");\nconst q = new Value(1, "one").div(z);\nq.label = "q";\na.log().add(q).backward();\n',
    );
    assert.ok(outcome.ok);
    const nodes = new Map(outcome.result.trace!.nodes.map((n) => [n.label, n]));
    assert.ok(Number.isNaN(outcome.result.trace!.nodes.at(-1)!.data), "log(-1) + 1/0 is NaN");
    assert.strictEqual(nodes.get("q")!.data, Infinity);
    assert.strictEqual(nodes.get("z")!.grad, -Infinity);
    assert.strictEqual(nodes.get("a")!.grad, -1);
    assert.ok(Number.isNaN(outcome.result.calls[0].loss));
  });

  it("summarises a graph above the node cap instead of sending it", async () => {
    const { outcome } = await run(
      "big.ts",
      HEADER + "let s = new Value(0);\nfor (let i = 0; i < 500; i++) s = s.add(i);\ns.backward();\n",
      { maxNodes: 100 },
    );
    assert.ok(outcome.ok);
    assert.strictEqual(outcome.result.trace, undefined);
    assert.deepStrictEqual(outcome.result.tooBig, { nodeCount: 1001, maxNodes: 100 });
  });

  it("summarises every backward() call and keeps the one asked for", async () => {
    const body =
      HEADER +
      'const w = new Value(1, "w");\nfor (let i = 0; i < 5; i++) {\n  const loss = w.mul(w);\n  w.grad = 0;\n  loss.backward();\n  w.data -= 0.25 * w.grad;\n}\n';
    const last = await run("loop.ts", body);
    assert.ok(last.outcome.ok);
    assert.deepStrictEqual(
      last.outcome.result.calls.map((c) => c.loss),
      [1, 0.25, 0.0625, 0.015625, 0.00390625],
    );
    assert.strictEqual(last.outcome.result.trace!.index, 4);
    const picked = await run("loop.ts", body, { captureCall: 1 });
    assert.ok(picked.outcome.ok);
    const trace = picked.outcome.result.trace!;
    assert.strictEqual(trace.index, 1);
    const w = trace.nodes.find((n) => n.label === "w")!;
    assert.strictEqual(w.data, 0.5, "w's data as it was during call 1, not after the loop");
    assert.strictEqual(w.grad, 1);
  });

  it("records the line that created each value, in the script and in the files it imports", async () => {
    fs.writeFileSync(
      path.join(dir, "layerLib.ts"),
      'import { Value } from "backprop-stepper";\nexport const double = (v: Value) =>\n  v.mul(2);\n',
    );
    const { outcome, file } = await run(
      "located.ts",
      HEADER +
        'import { double } from "./layerLib";\nconst a = new Value(1, "a");\nconst b = double(a);\nb.label = "b";\nconst c = b.add(a);\nc.label = "c";\nc.backward();\n',
    );
    assert.ok(outcome.ok);
    const byLabel = new Map(outcome.result.trace!.nodes.map((n) => [n.label, n]));
    assert.deepStrictEqual(byLabel.get("a")!.loc, { line: 3, column: 11 });
    assert.deepStrictEqual(byLabel.get("b")!.loc, { line: 3, column: 5, file: path.join(dir, "layerLib.ts") });
    assert.deepStrictEqual(byLabel.get("c")!.loc, { line: 6, column: 13 });
    assert.strictEqual(outcome.result.locatedLimit, undefined);
    void file;
  });

  it("places a value made inside a model or a loss at the script's call into it, one made in withModule at its own line", async () => {
    const script =
      'import { MLP, Value, mse, withModule } from "backprop-stepper";\n' +
      "const model = new MLP(2, [3, 1], { seed: 1 });\n" +
      "const xs = [[1, 2], [3, 4]];\n" +
      "const preds = xs.map((x) =>\n  model.forward(x));\n" +
      'const loss = withModule("mine", () =>\n  mse(preds, [1, 0]).add(new Value(0.5, "c")));\n' +
      "loss.backward();\n";
    const { outcome } = await run("modelLines.ts", script);
    assert.ok(outcome.ok);
    const at = (needle: string) => {
      const before = script.slice(0, script.indexOf(needle)).split("\n");
      return `${before.length}:${before.at(-1)!.length + 1}`;
    };
    const nodes = outcome.result.trace!.nodes;
    const lines = new Map<string, number>();
    for (const n of nodes) {
      const key = n.loc === undefined ? "none" : `${n.loc.line}:${n.loc.column}`;
      lines.set(key, (lines.get(key) ?? 0) + 1);
    }
    // 13 parameters, at `new MLP`; for each of two samples its 2 inputs, 3 tanh neurons (products,
    // sums, tanh) and a linear one, at `forward`; mse's values at `mse`; the script's own two at theirs
    const params = 3 * 3 + 1 * 4;
    const perSample = 2 + 3 * (2 + 2 + 1) + 1 * (3 + 3);
    assert.deepStrictEqual(
      Object.fromEntries(lines),
      Object.fromEntries([
        [at("new MLP"), params],
        [at("forward(x)"), 2 * perSample],
        [at("mse("), nodes.length - params - 2 * perSample - 2],
        [at("add(new"), 1],
        [at('new Value(0.5, "c")'), 1],
      ]),
    );
    assert.strictEqual(nodes.find((n) => n.label === "c")!.loc!.line, 7);
  });

  it("stops recording creation lines past the limit, and says so", async () => {
    const { outcome } = await run(
      "manyValues.ts",
      HEADER + "let s = new Value(0);\nfor (let i = 0; i < 25000; i++) s = s.add(1);\ns.backward();\n",
    );
    assert.ok(outcome.ok);
    assert.strictEqual(outcome.result.locatedLimit, 20_000);
    const nodes = outcome.result.trace!.nodes;
    assert.strictEqual(nodes[0].loc?.line, 2);
    assert.strictEqual(nodes.at(-1)!.loc, undefined);
  });

  it("ends a script that calls process.exit() as if it had run to its end", async () => {
    const { outcome, console } = await run("exits.ts", HEADER + 'new Value(1, "a").backward();\nprocess.exit(0);\nconsole.log("never");\n');
    assert.ok(outcome.ok);
    assert.strictEqual(outcome.result.calls.length, 1);
    assert.deepStrictEqual(console, []);
  });

  it("stops when cancelled", async () => {
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 300);
    const { outcome } = await run("cancelled.ts", "while (true) {}\n", { signal: abort.signal });
    assert.strictEqual(failure(outcome).kind, "cancelled");
  });
});

// hostile and unlucky scripts: each ends as a careful user would expect. every case is checked by
// what the script wrote (its pids, its output) and by what the run or the cli says of it.
import * as assert from "node:assert";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { scriptApi } from "../../src/runner/scriptApi";
import { failure, scriptFolder } from "./scriptRun";

const REPO = path.resolve(__dirname, "../../..");
const CLI = path.join(REPO, "bin/backprop-stepper.js");
const { dir, run } = scriptFolder("runner-hostile-");

const HEADER = 'import { Value } from "backprop-stepper";\nimport { appendFileSync } from "node:fs";\n';

/** true while the process runs: a killed one that its new parent has not reaped yet (a zombie) is gone */
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // linux: "pid (comm) S …", the state after the last ")"
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return true;
  }
};

async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

/** pids a script wrote to a file, one per line */
const pidsIn = (file: string): number[] =>
  fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").filter(Boolean).map(Number) : [];

/** a line of a script that appends `what` (an expression) to a file of the test's */
const record = (file: string, what: string) => `appendFileSync(${JSON.stringify(file)}, ${what} + "\\n");\n`;

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** keeps this process's event loop busy for `ms`, as a slow reader of the script's output would */
function blockFor(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // busy
  }
}

describe("hostile and unlucky scripts", function () {
  this.timeout(30_000);

  it("a thrown value that cannot be turned into text is still reported at the throwing line", async () => {
    const cases: [string, string][] = [
      // its toString throws, and it refers to itself (JSON.stringify throws too)
      ["toStringThrows.ts", 'const bad: Record<string, unknown> = { toString() { throw new Error("nope"); } };\nbad.self = bad;\n'],
      // every question asked of it throws, even instanceof
      [
        "proxyThrows.ts",
        'const trap = () => { throw new Error("trap"); };\nconst bad = new Proxy({}, { get: trap, getPrototypeOf: trap, ownKeys: trap, has: trap, getOwnPropertyDescriptor: trap });\n',
      ],
      // an Error whose name, message and stack all throw when read
      [
        "errorThrows.ts",
        'class Bad extends Error {\n  get name(): string { throw new Error("name"); }\n  get message(): string { throw new Error("message"); }\n  get stack(): string { throw new Error("stack"); }\n}\nconst bad = new Bad();\n',
      ],
    ];
    for (const [name, setup] of cases) {
      const lines = setup.split("\n").length - 1;
      const { outcome, file, out } = await run(name, `console.log("before");\n${setup}function f(): void {\n  throw bad;\n}\nf();\n`);
      const e = failure(outcome);
      assert.strictEqual(out, "before\n", name);
      assert.strictEqual(e.kind, "runtime", `${name}: ${e.message}`);
      assert.match(e.message, /^Uncaught|^Error|^Bad/, name);
      assert.deepStrictEqual(e.pos, { file, line: lines + 3, column: 3 }, `${name}: ${e.message}`);
    }
  });

  it("a script that finished in time is not failed because its last words are read after the limit", async () => {
    // the script ends well within its time; this process reads nothing for a while, so the time
    // limit passes before the script's last words are read (its process has ended by then)
    const pids = path.join(dir, "quick.pids");
    const quick = run("quick.ts", 'import { appendFileSync } from "node:fs";\n' + record(pids, "process.pid") + 'console.log("hi");\n', {
      timeoutSeconds: 1.5,
    });
    blockFor(3000);
    const q = await quick;
    assert.ok(q.outcome.ok, JSON.stringify(!q.outcome.ok && q.outcome.error));
    assert.strictEqual(q.out, "hi\n");
    assert.strictEqual(pidsIn(pids).length, 1);
  });

  it("a 20 MB line still on its way when the time limit passes arrives whole, and the run ends well", async () => {
    // the script's console.log returns at once; its 20 MB are read only once this process is free
    const big = run("big.ts", 'console.log("x".repeat(20 * 1024 * 1024));\n', { timeoutSeconds: 1.5 });
    blockFor(3000);
    const b = await big;
    assert.ok(b.outcome.ok, JSON.stringify(!b.outcome.ok && b.outcome.error));
    assert.strictEqual(b.out.length, 20 * 1024 * 1024 + 1, "every byte arrived");
  });

  (process.platform === "linux" ? it : it.skip)(
    "a detached, unref'd child the script started is stopped with the run, after a good end and after a timeout",
    async () => {
      const pids = path.join(dir, "detached.pids");
      const spawnDetached =
        'import { spawn } from "node:child_process";\n' +
        'const c = spawn("sleep", ["40"], { detached: true, stdio: "ignore" });\nc.unref();\n' +
        record(pids, "c.pid");
      try {
        const ok = await run("detachedEnds.ts", HEADER + spawnDetached);
        assert.ok(ok.outcome.ok);
        const [first] = pidsIn(pids);
        assert.ok(first > 0);
        assert.ok(await waitFor(() => !alive(first), 3000), `the detached sleep (pid ${first}) is gone after a good end`);

        const slow = await run("detachedLoops.ts", HEADER + spawnDetached + "while (true) {}\n", { timeoutSeconds: 1.5 });
        assert.strictEqual(failure(slow.outcome).kind, "timeout");
        const second = pidsIn(pids)[1];
        assert.ok(second > 0);
        assert.ok(await waitFor(() => !alive(second), 3000), `the detached sleep (pid ${second}) is gone after a timeout`);
      } finally {
        for (const pid of pidsIn(pids)) if (alive(pid)) process.kill(pid, "SIGKILL");
      }
    },
  );

  (process.platform === "linux" ? it : it.skip)("a detached child is stopped too when the run's parent dies", async () => {
    const pids = path.join(dir, "orphan.pids");
    const file = path.join(dir, "orphanDetached.ts");
    fs.writeFileSync(
      file,
      'import { spawn } from "node:child_process";\nimport { appendFileSync } from "node:fs";\n' +
        'const c = spawn("sleep", ["40"], { detached: true, stdio: "ignore" });\nc.unref();\n' +
        record(pids, "c.pid") +
        "while (true) {}\n",
    );
    const parent = spawn(process.execPath, [CLI, "run", file, "--timeout", "60"], { stdio: "ignore" });
    try {
      assert.ok(await waitFor(() => pidsIn(pids).length === 1, 8000), "the script started its child");
      const [sleep] = pidsIn(pids);
      parent.kill("SIGKILL");
      assert.ok(await waitFor(() => !alive(sleep), 4000), `the detached sleep (pid ${sleep}) is gone once the parent is`);
    } finally {
      parent.kill("SIGKILL");
      for (const pid of pidsIn(pids)) if (alive(pid)) process.kill(pid, "SIGKILL");
    }
  });

  it("backward() then an endless loop: the recorded call is kept, in the run and in `trace`", async () => {
    const pids = path.join(dir, "busy.pids");
    const body =
      HEADER +
      record(pids, "process.pid") +
      'const a = new Value(3, "a");\na.mul(a).backward();\nconsole.log("looping");\nwhile (true) {}\n';
    const { outcome, out } = await run("busyAfter.ts", body, { timeoutSeconds: 1.5 });
    const e = failure(outcome);
    assert.strictEqual(e.kind, "timeout");
    assert.match(e.message, /did not finish in time/);
    assert.strictEqual(out, "looping\n");
    assert.ok(!outcome.ok && outcome.partial?.trace, "the recorded call came back");
    assert.strictEqual(outcome.partial.trace.nodes.find((n) => n.label === "a")?.grad, 6);
    const [worker] = pidsIn(pids);
    assert.ok(await waitFor(() => !alive(worker), 3000), "the worker is gone");

    const printed = await cli(["trace", path.join(dir, "busyAfter.ts"), "--timeout", "1.5"]);
    assert.strictEqual(printed.code, 1);
    assert.match(printed.stdout, /backward call 0: root #\d+, 2 values/);
    assert.match(printed.stderr, /did not finish in time[^]*1 backward\(\) call ran before the script stopped/);
  });

  it("a script cannot take the runner's backward() listener away", async () => {
    const viaNamespace = await run(
      "listenerNamespace.ts",
      'import * as bp from "backprop-stepper";\n' +
        "const api = bp as unknown as Record<string, unknown>;\n" +
        'if (typeof api.setBackwardListener === "function") (api.setBackwardListener as (f: null) => void)(null);\n' +
        'const a = new bp.Value(3, "a");\na.mul(a).backward();\nconsole.log(a.grad);\n',
    );
    assert.ok(viaNamespace.outcome.ok, JSON.stringify(viaNamespace.outcome));
    assert.strictEqual(viaNamespace.out, "6\n");
    assert.strictEqual(viaNamespace.outcome.result.calls.length, 1);
    assert.strictEqual(viaNamespace.outcome.result.trace?.nodes.find((n) => n.label === "a")?.grad, 6);

    const named = await run(
      "listenerNamed.ts",
      'import { Value, setBackwardListener } from "backprop-stepper";\nsetBackwardListener(null);\nnew Value(1).backward();\n',
    );
    const e = failure(named.outcome);
    assert.strictEqual(e.kind, "import");
    assert.strictEqual(e.message, '"setBackwardListener" is not exported by backprop-stepper');
    assert.deepStrictEqual(e.pos, { file: named.file, line: 1, column: 17 });

    // nor does the editor offer it: the engine's declarations leave the runner's internals out
    const types = fs.readFileSync(path.join(REPO, "dist/types/index.d.ts"), "utf8");
    assert.doesNotMatch(types, /setBackwardListener|buildTrace|checkTrace/);
    assert.match(types, /\bValue\b/);
  });

  it("a script gets the values the editor's types declare, no more and no fewer", () => {
    const index = path.join(REPO, "dist/types/index.d.ts");
    const program = ts.createProgram([index], { types: [], noEmit: true });
    const checker = program.getTypeChecker();
    const module = checker.getSymbolAtLocation(program.getSourceFile(index)!)!;
    const declared = checker
      .getExportsOfModule(module)
      .filter((s) => (checker.getAliasedSymbol(s).flags & ts.SymbolFlags.Value) !== 0)
      .map((s) => s.name)
      .sort();
    assert.deepStrictEqual(Object.keys(scriptApi()).sort(), declared);
  });

  it("a throw inside the user's own .js helper is reported at that file's line", async () => {
    fs.mkdirSync(path.join(dir, "lib"), { recursive: true });
    fs.writeFileSync(
      path.join(dir, "lib/plain.js"),
      '// a plain javascript helper\nexports.helper = function helper(x) {\n  const y = x + 1;\n  if (y > 0) {\n    // the throw is on line 7\n\n    throw new Error("plain js failed");\n  }\n  return y;\n};\nexports.throwString = function () {\n  throw "a string from js";\n};\n',
    );
    const { outcome, file } = await run("usesPlain.ts", 'import { helper } from "./lib/plain.js";\nconst n: number = 2;\nhelper(n);\n');
    const e = failure(outcome);
    assert.strictEqual(e.message, "Error: plain js failed");
    assert.deepStrictEqual(e.pos, { file: path.join(dir, "lib/plain.js"), line: 7, column: 11 });
    assert.deepStrictEqual(
      e.stack?.map((f) => `${path.relative(dir, f.file)}:${f.line}`),
      ["lib/plain.js:7", "usesPlain.ts:3"],
    );
    void file;
    const str = await run("usesPlainString.ts", 'import { throwString } from "./lib/plain.js";\n\nthrowString();\n');
    const s = failure(str.outcome);
    assert.strictEqual(s.message, "Uncaught a string from js");
    assert.deepStrictEqual(s.pos, { file: path.join(dir, "lib/plain.js"), line: 12, column: 3 });

    // and a value made in a .js file is located there, as one made in a .ts file is
    fs.writeFileSync(path.join(dir, "lib/double.js"), "exports.double = function (v) {\n  return v.mul(2);\n};\n");
    const made = await run(
      "usesDouble.ts",
      'import { Value } from "backprop-stepper";\nimport { double } from "./lib/double.js";\nconst d = double(new Value(1, "a"));\nd.backward();\n',
    );
    assert.ok(made.outcome.ok, JSON.stringify(made.outcome));
    const d = made.outcome.result.trace!.nodes.find((n) => n.label === "d");
    assert.deepStrictEqual(d?.loc, { line: 2, column: 12, file: path.join(dir, "lib/double.js") });
  });

  it("control characters in an error reach the terminal escaped", async () => {
    const file = path.join(dir, "controls.ts");
    fs.writeFileSync(file, 'throw new Error("bad \\x1b]0;pwned\\x07 title \\x1b[31mred\\x1b[0m bell\\x07 back\\r");\n');
    const out = await cli(["run", file]);
    assert.strictEqual(out.code, 1);
    // eslint-disable-next-line no-control-regex -- the raw control characters must not be there
    assert.doesNotMatch(out.stderr, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    assert.match(out.stderr, /controls\.ts:1:7 Error: bad \\x1b\]0;pwned\\x07 title \\x1b\[31mred\\x1b\[0m bell\\x07 back\\r\n/);
  });

  it("process.disconnect() in a script loses none of its later output or backward() calls", async () => {
    const { outcome, out } = await run(
      "disconnects.ts",
      HEADER +
        'console.log("before");\nprocess.disconnect();\nconsole.log("after");\nconst a = new Value(3, "a");\na.mul(a).backward();\nconsole.log(a.grad);\n',
    );
    assert.ok(outcome.ok, JSON.stringify(!outcome.ok && outcome.error));
    assert.strictEqual(out, "before\nafter\n6\n");
    assert.strictEqual(outcome.result.calls.length, 1);
    assert.strictEqual(outcome.result.trace?.nodes.find((n) => n.label === "a")?.grad, 6);
  });

  it("importing a name the engine does not export says which, at the import's line, and what it does export", async () => {
    const { outcome, file } = await run(
      "convImport.ts",
      'import { Value, conv2d } from "backprop-stepper";\nconst a = new Value(1);\nconst t = conv2d([1, 2]);\nconsole.log(a, t);\n',
    );
    const e = failure(outcome);
    assert.strictEqual(e.kind, "import");
    assert.strictEqual(e.message, '"conv2d" is not exported by backprop-stepper');
    assert.deepStrictEqual(e.pos, { file, line: 1, column: 17 });
    assert.match(e.hint ?? "", /\bValue\b.*\bMLP\b|\bMLP\b.*\bValue\b/);

    // in a file the script imports, over several lines, renamed
    fs.writeFileSync(
      path.join(dir, "model.ts"),
      'import {\n  Value,\n  MLP,\n  Conv2d as C,\n} from "backprop-stepper";\nexport const m = [Value, MLP, C];\n',
    );
    const nested = await run("usesModel.ts", 'import { m } from "./model";\nconsole.log(m.length);\n');
    const n = failure(nested.outcome);
    assert.strictEqual(n.message, '"Conv2d" is not exported by backprop-stepper');
    assert.deepStrictEqual(n.pos, { file: path.join(dir, "model.ts"), line: 4, column: 3 });

    // type-only imports and the whole namespace are fine
    const fine = await run(
      "typesOnly.ts",
      'import { Value, type Trace } from "backprop-stepper";\nimport * as bp from "backprop-stepper";\nconst t: Trace | undefined = undefined;\nconsole.log(new Value(2).data, typeof bp.MLP, t);\n',
    );
    assert.ok(fine.outcome.ok, JSON.stringify(fine.outcome));
    assert.strictEqual(fine.out, "2 function undefined\n");

    // tensors are the engine's own now
    const tensors = await run(
      "tensorImport.ts",
      'import { Tensor, tensor } from "backprop-stepper";\nconst t = tensor([1, 2]);\nconsole.log(t instanceof Tensor, t.sum().item());\n',
    );
    assert.ok(tensors.outcome.ok, JSON.stringify(tensors.outcome));
    assert.strictEqual(tensors.out, "true 3\n");
  });
});

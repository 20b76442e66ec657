// how a run ends when it ends badly: what it did is kept, the reason is plain, and the place of a
// throw is the script's own line whatever was thrown. every process is checked by the pid it wrote.
import * as assert from "node:assert";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runScript, type RunOptions, type RunOutcome } from "../../src/runner/runScript";

const REPO = path.resolve(__dirname, "../../..");
const WORKER = path.join(REPO, "dist/worker.js");
const CLI = path.join(REPO, "bin/backprop-stepper.js");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "runner-ends-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const HEADER = 'import { Value } from "backprop-stepper";\nimport { appendFileSync } from "node:fs";\n';

function write(name: string, body: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, body);
  return file;
}

/** a script that first writes its pid to a file of its own */
function script(name: string, body: string): { file: string; pidFile: string } {
  const pidFile = path.join(dir, name + ".pid");
  return { file: write(name, HEADER + `appendFileSync(${JSON.stringify(pidFile)}, process.pid + "\\n");\n` + body), pidFile };
}

function run(file: string, opts: Partial<RunOptions> = {}): Promise<RunOutcome> {
  return runScript(file, { timeoutSeconds: 10, memoryMb: 256, maxNodes: 100_000, workerPath: WORKER, ...opts });
}

/** true once the process whose pid is in `pidFile` is gone (a killed process takes a moment) */
async function gone(pidFile: string): Promise<boolean> {
  const pid = Number(fs.readFileSync(pidFile, "utf8").trim());
  const end = Date.now() + 2000;
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}

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

describe("runs that end badly", function () {
  this.timeout(30_000);

  it("a timer that keeps the script alive is named, and the recorded call is kept", async () => {
    const { file, pidFile } = script("timer.ts", 'const a = new Value(3, "a");\na.mul(a).backward();\nsetInterval(() => {}, 100);\n');
    const outcome = await run(file, { timeoutSeconds: 0.5 });
    assert.ok(!outcome.ok);
    assert.strictEqual(outcome.error.kind, "timeout");
    assert.match(outcome.error.message, /kept waiting on a timer \(setInterval or setTimeout\)/);
    assert.strictEqual(outcome.partial?.calls.length, 1);
    assert.strictEqual(outcome.partial.calls[0].loss, 9);
    assert.strictEqual(outcome.partial.trace?.nodes.find((n) => n.label === "a")?.grad, 6);
    assert.ok(await gone(pidFile), "the worker is gone");
  });

  it("an endless loop after some backward() calls keeps their summaries", async () => {
    const { file, pidFile } = script(
      "busy.ts",
      'const a = new Value(2, "a");\nfor (let i = 0; i < 3; i++) a.mul(i).backward();\nconsole.log("looping");\nwhile (true) {}\n',
    );
    const lines: string[] = [];
    const outcome = await run(file, { timeoutSeconds: 0.5, onConsole: (m) => lines.push(m.text) });
    assert.ok(!outcome.ok);
    assert.match(outcome.error.message, /did not finish in time/);
    assert.deepStrictEqual(
      outcome.partial?.calls.map((c) => c.loss),
      [0, 2, 4],
    );
    assert.deepStrictEqual(lines, ["looping\n"], "the line printed just before the loop arrived");
    assert.ok(await gone(pidFile));
  });

  it("a throw after backward() calls is reported at its line, with the calls and the last recorded one", async () => {
    const { file } = script(
      "late.ts",
      'const a = new Value(3, "a");\na.mul(a).backward();\na.add(1).backward();\nthrow new Error("late");\n',
    );
    const outcome = await run(file);
    assert.ok(!outcome.ok);
    assert.deepStrictEqual(outcome.error.pos, { file, line: 7, column: 7 });
    assert.deepStrictEqual(
      outcome.partial?.calls.map((c) => c.loss),
      [9, 4],
    );
    assert.strictEqual(outcome.partial.trace?.index, 1);
  });

  it("typed arrays past the memory limit stop the run with a memory message", async () => {
    const { file, pidFile } = script(
      "arrays.ts",
      "const kept: Float64Array[] = [];\nfor (let i = 0; i < 40; i++) kept.push(new Float64Array(100 * 1024 * 1024 / 8).fill(1));\nconsole.log(kept.length);\n",
    );
    const outcome = await run(file, { memoryMb: 256 });
    assert.ok(!outcome.ok);
    assert.strictEqual(outcome.error.kind, "memory");
    assert.match(outcome.error.message, /more than its memory limit of 256 MB/);
    assert.ok(await gone(pidFile));
  });

  it("thrown strings, objects and undefined are reported at the throwing line", async () => {
    for (const [name, thrown, message] of [
      ["str.ts", '"a string"', "Uncaught a string"],
      ["obj.ts", "{ code: 42 }", 'Uncaught {"code":42}'],
      ["undef.ts", "undefined", "Uncaught undefined"],
    ]) {
      const file = write(name, `const n: number = 1;\nfunction f(): void {\n  if (n) throw ${thrown};\n}\nsetTimeout(f, 1);\n`);
      const outcome = await run(file);
      assert.ok(!outcome.ok);
      assert.strictEqual(outcome.error.message, message);
      assert.deepStrictEqual(outcome.error.pos, { file, line: 3, column: 10 }, name);
    }
  });

  it("an Error is placed at its line even when the script replaced Error.prepareStackTrace", async () => {
    const file = write(
      "prepare.ts",
      'Error.prepareStackTrace = () => "no frames here";\nfunction f(): void {\n  throw new Error("hidden");\n}\nf();\n',
    );
    const outcome = await run(file);
    assert.ok(!outcome.ok);
    assert.deepStrictEqual(outcome.error.pos, { file, line: 3, column: 3 });
  });

  it("process.exit(3) ends the run at once with code 3, past a try/catch, keeping the output before it", async () => {
    const file = write(
      "exits.ts",
      HEADER +
        'const a = new Value(3, "a");\na.mul(a).backward();\nconsole.log("before");\ntry {\n  process.exit(3);\n} catch {\n  console.log("caught");\n}\nconsole.log("after");\n',
    );
    const outcome = await run(file);
    assert.ok(outcome.ok);
    assert.strictEqual(outcome.result.exitCode, 3);
    assert.strictEqual(outcome.result.calls.length, 1);
    const out = await cli(["run", file]);
    assert.strictEqual(out.code, 3);
    assert.strictEqual(out.stdout, "before\n");
  });

  it("the cli says how many calls ran before a failure, and trace prints the last recorded one", async () => {
    const file = write("traceLate.ts", HEADER + 'const a = new Value(3, "a");\na.mul(a).backward();\nthrow "stop";\n');
    const out = await cli(["trace", file]);
    assert.strictEqual(out.code, 1);
    assert.match(out.stdout, /backward call 0: root #\d+, 2 values/);
    assert.match(out.stderr, /traceLate\.ts:5:1 Uncaught stop\n1 backward\(\) call ran before the script stopped\./);
  });
});

// the script's process under faults: nothing outlives a run, no folder is left behind, limits and
// files are checked with a plain message. every process is checked by the pid the script wrote.
import * as assert from "node:assert";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runScript, type RunOptions, type RunOutcome } from "../../src/runner/runScript";

const REPO = path.resolve(__dirname, "../../..");
const WORKER = path.join(REPO, "dist/worker.js");
const CLI = path.join(REPO, "bin/backprop-stepper.js");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "runner-faults-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, body: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, body);
  return file;
}

function run(file: string, opts: Partial<RunOptions> = {}): Promise<RunOutcome> {
  return runScript(file, { timeoutSeconds: 10, memoryMb: 256, maxNodes: 100_000, workerPath: WORKER, ...opts });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
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

/** pids a script wrote to a file, one per line, once there are `count` */
async function pidsFrom(file: string, count: number): Promise<number[]> {
  const read = () => (fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").filter(Boolean).map(Number) : []);
  await waitFor(() => read().length >= count, 8000);
  return read();
}

const ours = () => new Set(fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith("backprop-stepper-")));

const posix = process.platform !== "win32";

describe("runner under faults", function () {
  this.timeout(30_000);
  // a temp directory of these tests' own (the runs' folders go there): other runs on the machine
  // (other tests, a bench) make and remove their folders in the shared one meanwhile
  const saved = { TMPDIR: process.env.TMPDIR, TMP: process.env.TMP, TEMP: process.env.TEMP };
  let own = "";
  before(() => {
    own = fs.mkdtempSync(path.join(os.tmpdir(), "bps-faults-tmp-"));
    Object.assign(process.env, { TMPDIR: own, TMP: own, TEMP: own });
    assert.strictEqual(os.tmpdir(), own);
  });
  after(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    fs.rmSync(own, { recursive: true, force: true });
  });

  (posix ? it : it.skip)("a timeout stops the processes the script started too", async () => {
    const pids = path.join(dir, "child.pids");
    const file = write(
      "spawns.ts",
      `import { spawn } from "node:child_process";\nimport { appendFileSync } from "node:fs";\n` +
        `const c = spawn("sleep", ["1000"], { stdio: "ignore" });\nappendFileSync(${JSON.stringify(pids)}, c.pid + "\\n");\nwhile (true) {}\n`,
    );
    const outcome = await run(file, { timeoutSeconds: 1 });
    assert.ok(!outcome.ok && outcome.error.kind === "timeout");
    const [sleep] = await pidsFrom(pids, 1);
    assert.ok(await waitFor(() => !alive(sleep), 2000), `sleep (pid ${sleep}) is gone after the run`);
  });

  (posix ? it : it.skip)("the worker stops by itself when its parent dies (killed, no chance to clean up)", async () => {
    const pids = path.join(dir, "worker.pids");
    const before = ours();
    const file = write(
      "orphan.ts",
      `import { appendFileSync } from "node:fs";\nappendFileSync(${JSON.stringify(pids)}, process.pid + "\\n");\nwhile (true) {}\n`,
    );
    const cli = spawn(process.execPath, [CLI, "run", file, "--timeout", "60"], { stdio: "ignore" });
    const [worker] = await pidsFrom(pids, 1);
    assert.ok(alive(worker), "the worker runs");
    cli.kill("SIGKILL");
    assert.ok(await waitFor(() => !alive(worker), 3000), `worker ${worker} stopped once its parent was gone`);
    assert.deepStrictEqual(
      [...ours()].filter((n) => !before.has(n)),
      [],
      "and removed the run's folder",
    );
  });

  (posix ? it : it.skip)("the cli piped into a reader that goes away (| head -1) ends quietly and stops the run", async () => {
    const pids = path.join(dir, "piped.pids");
    const file = write(
      "chatty.ts",
      `import { appendFileSync } from "node:fs";\nappendFileSync(${JSON.stringify(pids)}, process.pid + "\\n");\n` +
        `let i = 0;\nsetInterval(() => console.log("line", i++), 5);\n`,
    );
    const cli = spawn(process.execPath, [CLI, "run", file, "--timeout", "60"], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    cli.stderr.on("data", (d) => (stderr += d));
    await new Promise((r) => cli.stdout.once("data", r));
    cli.stdout.destroy();
    const code = await new Promise<number | null>((r) => cli.on("exit", (c) => r(c)));
    const [worker] = await pidsFrom(pids, 1);
    assert.strictEqual(code, 0);
    assert.doesNotMatch(stderr, /EPIPE|at /, "no stack trace");
    assert.ok(await waitFor(() => !alive(worker), 2000), "the worker is gone");
  });

  it("leaves no folder in the temp directory, after a run that ends well and after a timeout", async () => {
    const ok = await run(write("fine.ts", 'import { Value } from "backprop-stepper";\nnew Value(2, "a").mul(3).backward();\n'));
    assert.ok(ok.ok);
    const slow = await run(write("slow.ts", "while (true) {}\n"), { timeoutSeconds: 0.5 });
    assert.ok(!slow.ok);
    assert.deepStrictEqual([...ours()], []);
  });

  it("limits out of range and files that are not there get a plain message, and no process starts", async () => {
    const file = write("ok.ts", "console.log(1);\n");
    const long = await run(file, { timeoutSeconds: 3_000_000 });
    assert.ok(!long.ok && /between 0\.1 and 2,147,483 seconds/.test(long.error.message), JSON.stringify(long));
    const tiny = await run(file, { memoryMb: 1 });
    assert.ok(!tiny.ok && /between 64 and 65,536 MB/.test(tiny.error.message));
    const missing = await run(path.join(dir, "nope.ts"));
    assert.ok(!missing.ok && /There is no file .*nope\.ts/.test(missing.error.message));
    const folder = await run(dir);
    assert.ok(!folder.ok && /is a folder/.test(folder.error.message));
  });

  it("the cli says what is wrong with a limit, without a crash dump", async () => {
    const file = write("ok2.ts", "console.log(1);\n");
    const out = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const cli = spawn(process.execPath, [CLI, "run", file, "--memory", "1"], { stdio: ["ignore", "ignore", "pipe"] });
      let stderr = "";
      cli.stderr.on("data", (d) => (stderr += d));
      cli.on("exit", (code) => resolve({ code, stderr }));
    });
    assert.strictEqual(out.code, 2);
    assert.match(out.stderr, /--memory must be between 64 and 65,536 MB/);
    assert.doesNotMatch(out.stderr, /Fatal|FATAL|<--- /);
  });
});

describe("runner output", function () {
  this.timeout(30_000);

  it("a million console.log lines arrive, in order, in a few seconds", async () => {
    const file = write("flood.ts", 'for (let i = 0; i < 1e6; i++) console.log("line", i);\n');
    const chunks: string[] = [];
    const started = Date.now();
    const outcome = await run(file, { onConsole: (m) => chunks.push(m.text) });
    const ms = Date.now() - started;
    assert.ok(outcome.ok, JSON.stringify(!outcome.ok && outcome.error));
    const lines = chunks.join("").split("\n");
    assert.strictEqual(lines.length, 1e6 + 1);
    assert.strictEqual(lines[0], "line 0");
    assert.strictEqual(lines[999_999], "line 999999");
    assert.ok(chunks.length < 1000, `${chunks.length} messages for a million lines`);
    assert.ok(ms < 8000, `took ${ms} ms`);
  });

  it("process.stdout writes and console calls keep their order, and a long write stays whole", async () => {
    const file = write(
      "mixed.ts",
      'process.stdout.write("a");\nconsole.log("b");\nprocess.stdout.write("c\\n");\nconsole.error("d");\nprocess.stdout.write("x".repeat(200000));\n',
    );
    const got: { level: string; text: string }[] = [];
    const outcome = await run(file, { onConsole: (m) => got.push(m) });
    assert.ok(outcome.ok);
    const all = got.map((m) => m.text).join("");
    assert.strictEqual(all, "ab\nc\nd\n" + "x".repeat(200000));
    assert.ok(got.some((m) => m.level === "error" && m.text === "d\n"));
  });
});

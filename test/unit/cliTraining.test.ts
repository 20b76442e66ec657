// `backprop-stepper trace` on a training loop: the update after the drawn call and the numbers
// tracked per call, in the table and in `--json` as product.md has them; `run` prints nothing new.
import * as assert from "node:assert";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { formatMetrics, formatUpdate } from "../../src/cli/traceOutput";
import type { UpdateRecord } from "../../src/engine/types";

const CLI = path.resolve(__dirname, "../../../bin/backprop-stepper.js");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cli-training-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function cli(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [CLI, ...args], { maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${err.message}\n${stderr}`));
      else resolve({ stdout, stderr });
    });
  });
}

// two steps of plain sgd on y = tanh(w·x + b), by hand in the script: p.data -= lr·grad
const SCRIPT = `import { Value, track } from "backprop-stepper";
const w = new Value(0.5, "w");
const b = new Value(-0.25, "b");
const lr = 0.1;
track("seen", 0);
for (let step = 0; step < 2; step++) {
  const y = w.mul(1.5).add(b).tanh();
  const loss = y.sub(1).pow(2);
  loss.label = "loss";
  w.grad = 0;
  b.grad = 0;
  loss.backward();
  console.log(JSON.stringify({ w: w.data, b: b.data, gw: w.grad, gb: b.grad }));
  w.data -= lr * w.grad;
  b.data -= lr * b.grad;
  track("accuracy", step === 0 ? 0.5 : 0.75);
}
`;

interface Json {
  index: number;
  update: UpdateRecord;
  calls: { index: number; loss: number; metrics: Record<string, number> }[];
  nodes: { id: number; label: string }[];
}

describe("trace on a training loop, through the cli", function () {
  this.timeout(30_000);
  const file = path.join(dir, "train.ts");
  fs.writeFileSync(file, SCRIPT);

  it("--json carries the drawn call's update (before, after = before - lr·grad, grad) and every call with its metrics", async () => {
    const { stdout, stderr } = await cli(["trace", file, "--json"]);
    const t = JSON.parse(stdout) as Json;
    const printed = stderr
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { w: number; b: number; gw: number; gb: number });
    const id = (label: string) => t.nodes.find((n) => n.label === label)!.id;
    assert.strictEqual(t.index, 1);
    const last = printed[1];
    assert.deepStrictEqual(t.update, {
      rule: "script",
      params: [
        { id: id("w"), before: last.w, after: last.w - 0.1 * last.gw, grad: last.gw },
        { id: id("b"), before: last.b, after: last.b - 0.1 * last.gb, grad: last.gb },
      ],
    });
    const loss = (p: { w: number; b: number }) => (Math.tanh(p.w * 1.5 + p.b) - 1) ** 2;
    assert.deepStrictEqual(
      t.calls.map((c) => [c.index, c.metrics]),
      [
        [0, { seen: 0, accuracy: 0.5 }],
        [1, { accuracy: 0.75 }],
      ],
    );
    t.calls.forEach((c, i) => assert.ok(Math.abs(c.loss - loss(printed[i])) < 1e-15, `call ${i}'s loss`));
  });

  it("the table prints the update per parameter and the metrics per call", async () => {
    const { stdout } = await cli(["trace", file]);
    const lines = stdout.split("\n");
    const at = lines.findIndex((l) => l.startsWith("update after backward call 1: the script's own assignment"));
    assert.ok(at > 0, stdout);
    assert.match(lines[at + 1], /^param\s+before\s+after\s+grad$/);
    assert.match(lines[at + 2], /^w#\d+\s+-?\d/);
    assert.match(lines[at + 3], /^b#\d+\s+-?\d/);
    const m = lines.indexOf("tracked per call (track(name, value)):");
    assert.ok(m > at);
    assert.match(lines[m + 1], /^call\s+loss\s+seen\s+accuracy$/);
    assert.match(lines[m + 2], /^\s*0\s+\S+\s+0\s+0\.5$/);
    assert.match(lines[m + 3], /^\s*1\s+\S+\s+0\.75$/);
  });

  it("examples/xor.ts: 60 calls each with its accuracy, the last call's sgd update, and the picture of its model", async () => {
    const { stdout } = await cli(["trace", path.resolve(__dirname, "../../../examples/xor.ts"), "--json"]);
    const t = JSON.parse(stdout) as Json & { decision: { grid: { nx: number; ny: number; values: number[] }; points: unknown[] } };
    assert.strictEqual(t.calls.length, 60);
    for (const c of t.calls) assert.ok([0, 25, 50, 75, 100].includes(c.metrics.accuracy), `call ${c.index}: ${c.metrics.accuracy}`);
    assert.strictEqual(t.calls[59].metrics.accuracy, 100);
    const u = t.update;
    assert.deepStrictEqual([u.rule, u.lr, u.momentum, u.params.length], ["sgd", 0.2, 0.9, 17]);
    for (const p of u.params) assert.ok(Math.abs(p.after - (p.before - 0.2 * p.velocity!)) < 1e-15);
    assert.strictEqual(t.decision.grid.values.length, t.decision.grid.nx * t.decision.grid.ny);
    assert.strictEqual(t.decision.points.length, 4);
  });

  it("run prints only the script's own output", async () => {
    const { stdout } = await cli(["run", file]);
    assert.strictEqual(stdout.trim().split("\n").length, 2);
  });
});

describe("the update and metrics tables", () => {
  const name = (id: number) => `p#${id}`;
  const cases: [string, UpdateRecord, string[]][] = [
    [
      "sgd with momentum: lr, momentum and each velocity",
      { rule: "sgd", lr: 0.1, momentum: 0.9, params: [{ id: 1, before: 0.5, after: 0.46, grad: 0.3, velocity: 0.4 }] },
      [
        "update after backward call 7: sgd, lr 0.1, momentum 0.9",
        "param  before  after  grad  velocity",
        "p#1       0.5   0.46   0.3       0.4",
      ],
    ],
    [
      "adam: its numbers and m, v, mHat, vHat, step",
      {
        rule: "adam",
        lr: 0.01,
        beta1: 0.9,
        beta2: 0.999,
        eps: 1e-8,
        t: 1,
        params: [{ id: 2, before: 0.5, after: 0.49, grad: 0.3, m: 0.03, v: 0.00009, mHat: 0.3, vHat: 0.09, step: 0.01 }],
      },
      [
        "update after backward call 7: adam, lr 0.01, beta1 0.9, beta2 0.999, eps 1e-8, t 1",
        "param  before  after  grad     m     v  mHat  vHat  step",
        "p#2       0.5   0.49   0.3  0.03  9e-5   0.3  0.09  0.01",
      ],
    ],
    [
      "an optimizer and the script: a column says which moved each",
      {
        rule: "sgd",
        lr: 0.1,
        momentum: 0,
        params: [
          { id: 1, before: 1, after: 0.9, grad: 1 },
          { id: 3, before: 2, after: 5, grad: 0, script: true },
        ],
      },
      [
        "update after backward call 7: sgd, lr 0.1, momentum 0",
        "param  before  after  grad  by",
        "p#1         1    0.9     1  sgd",
        "p#3         2      5     0  script",
      ],
    ],
    [
      "an optimizer step that moved nothing",
      { rule: "sgd", lr: 0.1, momentum: 0, params: [] },
      ["update after backward call 7: sgd, lr 0.1, momentum 0", "no leaf of this graph moved"],
    ],
  ];
  for (const [what, u, expected] of cases) it(what, () => assert.deepStrictEqual(formatUpdate(u, 7, name).split("\n"), expected));

  it("metrics: nothing when no call has any; else a row per call, a column per name, blank where a call has none", () => {
    assert.strictEqual(formatMetrics([{ index: 0, loss: 1, nodeCount: 3, accumulated: false, recorded: true }]), "");
    const text = formatMetrics([
      { index: 0, loss: 1, nodeCount: 3, accumulated: false, recorded: true, metrics: { acc: 0.5 } },
      { index: 1, loss: 0.5, nodeCount: 3, accumulated: false, recorded: true },
      { index: 2, loss: 0.25, nodeCount: 3, accumulated: false, recorded: true, metrics: { acc: 1, "a\u001b]0;x": NaN } },
    ]);
    assert.deepStrictEqual(text.split("\n"), [
      "tracked per call (track(name, value)):",
      "call  loss  acc  a\\x1b]0;x",
      "   0     1  0.5",
      "   1   0.5",
      "   2  0.25    1        NaN",
    ]);
  });
});

// every script in examples/ run through the cli, as a learner's terminal runs it, and checked
// against numbers worked out here on their own (by hand, or the lecture's) or bounds on what it prints.
import * as assert from "node:assert";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Trace as EngineTrace } from "../../src/engine/trace";
import { disagrees } from "../../src/engine/numericCheck";
import { formula } from "../../src/webview/details";
import nets from "../fixtures/tensor-nets.json";
import { factsOf } from "../../src/webview/runFacts";

const REPO = path.resolve(__dirname, "../../..");
const CLI = path.join(REPO, "bin/backprop-stepper.js");
const EXAMPLES = path.join(REPO, "examples");
/** runs at once: the examples are single-threaded, the test machines have two cores */
const PARALLEL = 2;
/** about how long the slow examples run through the cli, so they start first */
const SECONDS: Record<string, number> = { "moons.ts": 4, "manual-vs-auto.ts": 4, "iris.ts": 2, "xor-tensors.ts": 2, "minibatch.ts": 1 };

interface TraceNode {
  id: number;
  label: string;
  op: string;
  data: number;
  grad: number;
  children: number[];
}

interface Trace {
  root: number;
  accumulated?: boolean;
  nodes: TraceNode[];
  steps: unknown[];
  /** every backward() call of the run: its loss and what the script tracked */
  calls: { index: number; loss: number; metrics: Record<string, number> }[];
}

/** the tensor ops of a trace: group name, op, shape, its operands' shapes and broadcast axes */
function tensorOps(trace: Trace) {
  return (trace as unknown as EngineTrace).groups
    .filter((g) => g.tensor !== undefined)
    .map((g) => ({ id: g.id, name: g.name, ...g.tensor! }));
}

/** what an example printed (stdout of `run`, stderr of `trace`), and the trace when asked for */
interface Run {
  out: string;
  trace?: Trace;
}

/** `run` for the big training graphs (only their printout is checked), `trace --json` otherwise */
type Mode = "run" | "trace";

function cli(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [CLI, ...args], { cwd: REPO, maxBuffer: 256 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`backprop-stepper ${args.join(" ")}: ${err.message}\n${stderr}`));
      else resolve({ stdout, stderr });
    });
  });
}

async function runExample(file: string, mode: Mode): Promise<Run> {
  const rel = path.join("examples", file);
  if (mode === "run") return { out: (await cli(["run", rel])).stdout };
  const { stdout, stderr } = await cli(["trace", rel, "--json"]);
  return { out: stderr, trace: JSON.parse(stdout) as Trace };
}

/** the one node with this label */
function node(trace: Trace, label: string): TraceNode {
  const found = trace.nodes.filter((n) => n.label === label);
  assert.strictEqual(found.length, 1, `one value labelled "${label}"`);
  return found[0];
}

function rootOf(trace: Trace): TraceNode {
  return trace.nodes.find((n) => n.id === trace.root)!;
}

/** the numbers a pattern's first group matches, in the order printed */
function numbers(out: string, pattern: RegExp): number[] {
  const all = new RegExp(pattern.source, pattern.flags.includes("g") ? pattern.flags : `${pattern.flags}g`);
  return [...out.matchAll(all)].map((m) => Number(m[1]));
}

function close(actual: number, expected: number, what: string, tol = 1e-12): void {
  assert.ok(Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)), `${what}: ${actual}, expected ${expected}`);
}

/** a printed number, as a pattern's group */
const NUM = "(-?\\d+(?:\\.\\d+)?(?:e-?\\d+)?)";

/** the checks, in lesson order; each example in examples/ has one */
const CHECKS: { file: string; mode: Mode; what: string; check: (r: Run) => void }[] = [
  {
    file: "chain-rule.ts",
    mode: "trace",
    what: "dz/dw1 = w2·x1, and every other grad of z = w2·(w1·x1 + b1) + b2 by hand",
    check: ({ trace, out }) => {
      const t = trace!;
      const [x1, w1, b1, w2, b2] = ["x1", "w1", "b1", "w2", "b2"].map((l) => node(t, l));
      const y = w1.data * x1.data + b1.data;
      close(rootOf(t).data, w2.data * y + b2.data, "z");
      close(w1.grad, w2.data * x1.data, "dz/dw1 = w2·x1");
      close(x1.grad, w2.data * w1.data, "dz/dx1 = w2·w1");
      close(b1.grad, w2.data, "dz/db1 = w2");
      close(node(t, "y").grad, w2.data, "dz/dy = w2");
      close(w2.grad, y, "dz/dw2 = y");
      close(b2.grad, 1, "dz/db2");
      assert.deepStrictEqual(numbers(out, /dz\/dw1 = (\S+)/), [w2.data * x1.data], "the printed dz/dw1");
    },
  },
  {
    file: "lecture.ts",
    mode: "trace",
    what: "micrograd's lecture: L = -8, a.grad 6, b.grad -4, c.grad -2, f.grad 4",
    check: ({ trace }) => {
      const t = trace!;
      const L = rootOf(t);
      assert.strictEqual(L.label, "L");
      close(L.data, -8, "L");
      const expected: Record<string, number> = { a: 6, b: -4, c: -2, e: -2, d: -2, f: 4, L: 1 };
      for (const [label, grad] of Object.entries(expected)) close(node(t, label).grad, grad, `${label}.grad`);
      assert.strictEqual(t.steps.length, 3, "three ops: e, d, L");
    },
  },
  {
    file: "neuron.ts",
    mode: "trace",
    what: "o = tanh(n) = 0.7071; x1.grad = w1·(1 - o²) = -1.5, w1.grad = 1, x2.grad = 0.5, w2.grad = 0",
    check: ({ trace }) => {
      const t = trace!;
      const [x1, x2, w1, w2, b] = ["x1", "x2", "w1", "w2", "b"].map((l) => node(t, l));
      const o = Math.tanh(x1.data * w1.data + x2.data * w2.data + b.data);
      close(node(t, "o").data, o, "o");
      close(o, Math.SQRT1_2, "o = 1/√2", 1e-9);
      const dn = 1 - o * o;
      close(x1.grad, w1.data * dn, "x1.grad", 1e-9);
      close(w1.grad, x1.data * dn, "w1.grad", 1e-9);
      close(x2.grad, w2.data * dn, "x2.grad", 1e-9);
      close(w2.grad, x2.data * dn, "w2.grad", 1e-9);
      close(b.grad, dn, "b.grad", 1e-9);
      close(x1.grad, -1.5, "x1.grad", 1e-9);
      close(w1.grad, 1, "w1.grad", 1e-9);
    },
  },
  {
    file: "used-twice.ts",
    mode: "trace",
    what: "c = a·(a + a) = 2a²: a.grad = 4a, both uses added up",
    check: ({ trace }) => {
      const t = trace!;
      const a = node(t, "a");
      close(a.grad, 4 * a.data, "a.grad");
      close(a.grad, 12, "a.grad");
      close(node(t, "b = a + a").grad, a.data, "b.grad = a");
    },
  },
  {
    file: "manual-grad.ts",
    mode: "trace",
    what: "the hand-written sigmoid and the composed one both give ds/dx = s·(1 - s); the numeric check runs its forward, not its locals",
    check: ({ trace }) => {
      const t = trace!;
      const leaf = (t as unknown as EngineTrace).nodes.find((n) => n.label === "x (manual)")!;
      assert.strictEqual(leaf.linearized, undefined, "checked with the op's own forward, not linearised");
      close(leaf.numeric!, leaf.grad, "the numeric check agrees", 1e-8);
      const x = node(t, "x (manual)").data;
      const s = 1 / (1 + Math.exp(-x));
      close(node(t, "x (manual)").grad, s * (1 - s), "manual ds/dx");
      close(node(t, "x (auto)").grad, s * (1 - s), "composed ds/dx");
      assert.strictEqual(node(t, "s manual").op, "sigmoid (manual)");
    },
  },
  {
    file: "backward-twice.ts",
    mode: "trace",
    what: "the second backward() accumulates: w.grad = 2·x·(1 - tanh²(x·w))",
    check: ({ trace, out }) => {
      const t = trace!;
      assert.strictEqual(t.accumulated, true, "the last call added to grads that were not zero");
      const x = node(t, "x");
      const w = node(t, "w");
      const dy = 1 - Math.tanh(x.data * w.data) ** 2;
      close(w.grad, 2 * x.data * dy, "w.grad after two calls");
      close(x.grad, 2 * w.data * dy, "x.grad after two calls");
      const [once, twice] = numbers(out, new RegExp(`w\\.grad = ${NUM}`));
      close(twice, 2 * once, "the printed grads", 1e-5);
    },
  },
  {
    file: "tiny-dataset.ts",
    mode: "trace",
    what: "20 steps on the lecture's four samples: the loss falls below 0.15, every prediction on its target's side",
    check: ({ trace, out }) => {
      const losses = numbers(out, new RegExp(`loss ${NUM}`));
      assert.strictEqual(losses.length, 20, "a loss per step");
      const last = losses[losses.length - 1];
      assert.ok(last < 0.15, `final loss ${last} < 0.15`);
      assert.ok(last < losses[0] / 5, `the loss fell from ${losses[0]} to ${last}`);
      close(rootOf(trace!).data, last, "the drawn call is the last step's loss", 1e-3);
      const preds = out
        .match(/predictions: (.*) \(targets/)![1]
        .split(", ")
        .map(Number);
      const ys = [1, -1, -1, 1];
      preds.forEach((p, i) => assert.ok(Math.abs(p - ys[i]) < 0.5, `prediction ${p} for target ${ys[i]}`));
    },
  },
  {
    file: "xor.ts",
    mode: "trace",
    what: "the 2-4-1 MLP's predictions are within 0.1 of xor's 0, 1, 1, 0",
    check: ({ trace, out }) => {
      const losses = numbers(out, new RegExp(`loss ${NUM}`));
      assert.ok(losses[losses.length - 1] < losses[0] / 10, `the loss fell: ${losses.join(", ")}`);
      const preds = out
        .match(/predictions for .*: (.*)$/m)![1]
        .split(", ")
        .map(Number);
      const ys = [0, 1, 1, 0];
      assert.strictEqual(preds.length, 4);
      preds.forEach((p, i) => assert.ok(Math.abs(p - ys[i]) < 0.1, `prediction ${p} for target ${ys[i]}`));
      const root = rootOf(trace!);
      assert.strictEqual(root.label, "loss");
      assert.ok(root.data < 0.01, `last call's loss ${root.data} < 0.01`);
    },
  },
  {
    file: "xor-tensors.ts",
    mode: "trace",
    what: "the numpy lesson's 2-4-1 sigmoid net with tensors: every epoch's loss as pytorch's, accuracy 100%, matrices named W1, b1, W2, b2",
    check: ({ trace, out }) => {
      const t = trace!;
      const torch = nets["xor-tensors.ts"];
      assert.strictEqual(t.calls.length, torch.losses.length, "a backward() per epoch");
      t.calls.forEach((c, i) => close(c.loss, torch.losses[i], `epoch ${i + 1}'s loss`, 1e-9));
      assert.ok(torch.losses[999] < torch.losses[0] / 20, "the loss falls");
      assert.strictEqual(t.calls[999].metrics.accuracy, 1, "accuracy 100% at the end");
      const preds = out
        .match(/predictions for .*: (.*)$/m)![1]
        .split(", ")
        .map(Number);
      preds.forEach((p, i) => close(p, torch.predictions[i], `prediction ${i}`, 1e-4));
      // the last epoch's graph as tensor ops: X·W1 [4×2]·[2×4], b1 broadcast over the batch axis
      const ops = tensorOps(t);
      const mm = ops.find((o) => o.op === "matmul" && o.name === "X·W1")!;
      assert.deepStrictEqual(
        [mm.inputs.map((i) => i.shape), mm.shape],
        [
          [
            [4, 2],
            [2, 4],
          ],
          [4, 4],
        ],
      );
      const bias = ops.find((o) => o.name === "X·W1 + b1")!;
      const b1 = ops.find((o) => o.op === "tensor" && o.label === "b1")!;
      assert.deepStrictEqual(bias.inputs[1], { shape: [4], label: "b1", group: b1.id, broadcast: [0] });
      for (const name of ["W1", "b1", "W2", "b2"])
        assert.ok(
          ops.some((o) => o.op === "tensor" && o.label === name),
          `${name} is a named tensor`,
        );
      assert.strictEqual(node(t, "W1[1,2]").op, "");
      // sgd stepped the tensors' elements: after = before - lr·grad for each of the 17
      const update = (t as unknown as EngineTrace).update!;
      assert.strictEqual(update.rule, "sgd");
      assert.strictEqual(update.params.length, 2 * 4 + 4 + 4 + 1);
      for (const p of update.params) close(p.after, p.before - 2 * p.grad, `param ${p.id}`);
    },
  },
  {
    file: "manual-vs-auto.ts",
    mode: "trace",
    what: "ManualGrad and AutoGrad fit y = x² alike, step for step as pytorch; the numeric check runs the hand-written forwards and agrees",
    check: ({ trace, out }) => {
      const t = trace!;
      const torch = nets["manual-vs-auto.ts"];
      assert.strictEqual(t.calls.length, torch.losses.length);
      // the root is the two losses' sum: twice pytorch's
      t.calls.forEach((c, i) => close(c.loss, 2 * torch.losses[i], `step ${i + 1}'s loss`, 1e-9));
      for (const [, manual, auto] of out.matchAll(new RegExp(`manual loss ${NUM}, auto loss ${NUM}`, "g")))
        assert.strictEqual(manual, auto);
      const ops = tensorOps(t);
      assert.deepStrictEqual([...new Set(ops.filter((o) => o.op.startsWith("manual:")).map((o) => o.op))].sort(), [
        "manual:linear",
        "manual:sigmoid",
      ]);
      const engine = t as unknown as EngineTrace;
      const leaves = engine.nodes.filter((n) => n.children.length === 0);
      assert.ok(
        leaves.every((n) => n.numeric !== undefined && !n.linearized),
        "every leaf checked, none linearised",
      );
      for (const n of leaves) assert.ok(!disagrees(n.grad, n.numeric!), `${n.label}: grad ${n.grad}, numeric ${n.numeric}`);
      const manualW1 = engine.nodes.filter((n) => n.label.startsWith("W1 (manual)["));
      assert.strictEqual(manualW1.length, 8);
      for (const n of manualW1) close(n.grad, node(t, n.label.replace(" (manual)", "")).grad, `${n.label} as autograd's`, 1e-9);
    },
  },
  {
    file: "batch-linear.ts",
    mode: "trace",
    what: "Linear on a batch of 4: loss, W.grad and b.grad as pytorch's; b broadcast over the batch axis, its grad dout summed over it",
    check: ({ trace, out }) => {
      const t = trace!;
      const torch = nets["batch-linear.ts"];
      close(rootOf(t).data, torch.loss, "loss");
      torch.W.forEach((row, i) => row.forEach((g, j) => close(node(t, `W[${i},${j}]`).grad, g, `W[${i},${j}].grad`)));
      torch.b.forEach((g, j) => close(node(t, `b[${j}]`).grad, g, `b[${j}].grad`));
      const summed = out
        .match(/summed over the batch axis: (.*)$/m)![1]
        .split(", ")
        .map(Number);
      summed.forEach((g, j) => close(g, torch.b[j], `the printed sum over the batch, ${j}`));
      const add = tensorOps(t).find((o) => o.op === "add" && o.inputs[1]?.label === "b")!;
      assert.deepStrictEqual(add.inputs[1].broadcast, [0]);
      assert.deepStrictEqual(add.shape, [4, 2]);
    },
  },
  {
    file: "scalars-vs-tensors.ts",
    mode: "trace",
    what: "one two-layer net with scalars and with tensors: the same loss and grads, bit for bit, and pytorch's",
    check: ({ out }) => {
      const torch = nets["scalars-vs-tensors.ts"];
      const [scalar] = numbers(out, new RegExp(`scalars: loss ${NUM}`));
      const [tensors] = numbers(out, new RegExp(`tensors: loss ${NUM}`));
      assert.strictEqual(scalar, tensors);
      close(tensors, torch.loss, "loss");
      assert.deepStrictEqual(numbers(out, /largest difference between the 17 grads: (\S+)/), [0]);
      const grads = out
        .match(/^grads: (.*)$/m)![1]
        .split(", ")
        .map(Number);
      assert.strictEqual(grads.length, torch.grads.length);
      grads.forEach((g, k) => close(g, torch.grads[k], `grad ${k}`));
    },
  },
  {
    file: "iris.ts",
    mode: "run",
    what: "accuracy printed for every epoch, over 90% at the end",
    check: ({ out }) => {
      const epochs = numbers(out, /^epoch (\d+):/m);
      assert.ok(epochs.length >= 5, "several epochs");
      assert.deepStrictEqual(
        epochs,
        epochs.map((_, i) => i + 1),
        "one line per epoch",
      );
      const accuracy = numbers(out, new RegExp(`accuracy ${NUM}%`));
      assert.strictEqual(accuracy.length, epochs.length);
      const last = accuracy[accuracy.length - 1];
      assert.ok(last >= 90, `final accuracy ${last}% >= 90%`);
      assert.ok(last > accuracy[0], "accuracy rose");
    },
  },
  {
    file: "minibatch.ts",
    mode: "trace",
    what: "the epoch's mean batch loss at least halves; the drawn graph is one batch of 10",
    check: ({ trace, out }) => {
      const losses = numbers(out, new RegExp(`mean batch loss ${NUM}`));
      assert.ok(losses.length >= 3, "several epochs");
      const last = losses[losses.length - 1];
      assert.ok(last < losses[0] / 2, `mean batch loss fell from ${losses[0]} to ${last}`);
      const accuracy = numbers(out, new RegExp(`accuracy ${NUM}%`));
      assert.ok(accuracy[accuracy.length - 1] >= 90, `final accuracy ${accuracy[accuracy.length - 1]}% >= 90%`);
      const t = trace!;
      assert.strictEqual(rootOf(t).label, "batch loss");
      assert.strictEqual(t.nodes.filter((n) => n.label === "hinge").length, 10, "one hinge term per sample of the batch");
    },
  },
  {
    file: "moons.ts",
    mode: "run",
    what: "hinge loss + l2 falls to a fifth; accuracy over 90% at the end",
    check: ({ out }) => {
      const losses = numbers(out, new RegExp(`loss ${NUM}`));
      const accuracy = numbers(out, new RegExp(`accuracy ${NUM}%`));
      assert.ok(losses.length >= 5 && accuracy.length === losses.length, "a loss and an accuracy per step");
      const last = losses[losses.length - 1];
      assert.ok(last < losses[0] / 5, `loss fell from ${losses[0]} to ${last}`);
      assert.ok(accuracy[accuracy.length - 1] >= 90, `final accuracy ${accuracy[accuracy.length - 1]}% >= 90%`);
    },
  },
];

describe("examples through the cli", function () {
  this.timeout(60_000);
  const runs = new Map<string, Promise<Run | Error>>();

  before(() => {
    // all asked for at once, run PARALLEL at a time, the slow ones first
    const settle = new Map<string, (r: Run | Error) => void>();
    for (const c of CHECKS) runs.set(c.file, new Promise((resolve) => settle.set(c.file, resolve)));
    const queue = [...CHECKS].sort((a, b) => (SECONDS[b.file] ?? 0) - (SECONDS[a.file] ?? 0));
    const lane = async () => {
      for (let c = queue.shift(); c; c = queue.shift()) {
        settle.get(c.file)!(await runExample(c.file, c.mode).catch((e: Error) => e));
      }
    };
    for (let i = 0; i < PARALLEL; i++) void lane();
  });

  it("every example in examples/ has a check here", () => {
    const files = fs
      .readdirSync(EXAMPLES)
      .filter((f) => f.endsWith(".ts"))
      .sort();
    assert.deepStrictEqual(files, CHECKS.map((c) => c.file).sort());
  });

  for (const c of CHECKS) {
    it(`${c.file}: ${c.what}`, async () => {
      const run = await runs.get(c.file)!;
      if (run instanceof Error) throw run;
      c.check(run);
    });
  }

  for (const c of CHECKS.filter((c) => c.mode === "trace"))
    it(`${c.file}: the forward phase computes each value after its inputs, and its formula's numbers give its data`, async () => {
      const run = await runs.get(c.file)!;
      if (run instanceof Error) throw run;
      const trace = run.trace! as unknown as EngineTrace;
      const f = factsOf(trace);
      assert.strictEqual(f.forwardOrder.length, trace.nodes.filter((n) => n.children.length > 0).length);
      const done = new Set(trace.nodes.filter((n) => n.children.length === 0).map((n) => n.id));
      let checked = 0;
      for (const id of f.forwardOrder) {
        const n = f.nodes.get(id)!;
        const ins = n.children.map((k) => f.nodes.get(k)!.data);
        for (const k of n.children) assert.ok(done.has(k), `value ${id}'s input ${k} is computed before it`);
        done.add(id);
        // the formula as drawn, with numbers, worked out here on its own
        const text = formula(n, ins.map(String));
        const worked = evaluate(text, n.op, ins);
        if (worked === undefined) continue;
        close(worked, n.data, `${n.op} #${id}: ${text}`);
        checked++;
      }
      assert.ok(checked > 0, "some formula was worked out");
    });
});

/** a formula's value from its numbers, for the ops the lesson writes (undefined for others) */
function evaluate(text: string, op: string, ins: number[]): number | undefined {
  const [a, b] = ins;
  const infix: Record<string, [string, (x: number, y: number) => number]> = {
    "+": ["+", (x, y) => x + y],
    "-": ["−", (x, y) => x - y],
    "*": ["·", (x, y) => x * y],
    "/": ["/", (x, y) => x / y],
  };
  if (infix[op] && ins.length === 2) {
    assert.strictEqual(text, `${a} ${infix[op][0]} ${b}`);
    return infix[op][1](a, b);
  }
  const unary: Record<string, (x: number) => number> = { tanh: Math.tanh, exp: Math.exp, relu: (x) => Math.max(0, x), log: Math.log };
  if (unary[op] && ins.length === 1) {
    assert.strictEqual(text, `${op}(${a})`);
    return unary[op](a);
  }
  const pow = /^\*\*(-?[\d.]+)$/.exec(op);
  if (pow && ins.length === 1) {
    assert.strictEqual(text, `${a}${op}`);
    return a ** Number(pow[1]);
  }
  return undefined;
}

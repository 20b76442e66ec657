// the numeric check of a long chain (case 1 of "hostile and unlucky scripts"): a loss summed term
// by term over 15,000 terms could not be traced (the check re-ran the rest of the chain for every
// leaf, quadratic in its length, inside the script's time limit). now the check is carried to the
// root through the chain (evaluator.ts LeafSlopes), linear in its length, and runs after the script
// in a budget of its own; its numbers are the full recomputation's, and it still catches a wrong
// local derivative through the chain.
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { NumericCheck, Value, checkTrace, disagrees, gradCheck, manualGrad, rng } from "../../src/engine";
import { finishCheck } from "../../src/engine/numericCheck";
import type { Trace } from "../../src/engine/types";
import { traceOf } from "./traceOf";

const CLI = path.resolve(__dirname, "../../../bin/backprop-stepper.js");

/** a and b agree to `rel` of the larger, or of 1 when both are small (the check's own rounding is absolute there) */
const close = (a: number, b: number, rel: number) => Math.abs(a - b) <= rel * Math.max(1, Math.abs(a), Math.abs(b));

/** loss = Σ (p_i - 0.5)², term by term, p_i = i / n: the script (5 values a term) */
const SUM_SCRIPT = (n: number) =>
  `import { Value } from "backprop-stepper";\n` +
  `let loss = new Value(0);\n` +
  `for (let i = 0; i < ${n}; i++) {\n  const p = new Value(i / ${n});\n  const e = p.sub(0.5);\n  loss = loss.add(e.mul(e));\n}\n` +
  `loss.backward();\n`;

function sumOfSquares(n: number): Value {
  let loss = new Value(0);
  for (let i = 0; i < n; i++) {
    const p = new Value(i / n);
    loss = loss.add(p.mul(p));
  }
  return loss;
}

/**
 * one chain of varied ops: each link is made from the one before and a leaf w of its own, is
 * about the identity times w (so the slope neither vanishes nor explodes over thousands of links),
 * and goes through every op on the way (sigmoid's output used twice)
 */
function variedChain(links: number, start = new Value(0.3, "x")): Value {
  let y = start;
  for (let i = 0; i < links; i++) {
    const w = new Value(1 + 0.01 * Math.sin(i), `w${i}`);
    switch (i % 5) {
      case 0:
        y = y.mul(w).exp().log();
        break;
      case 1:
        y = y.add(w).sub(1);
        break;
      case 2:
        y = y.mul(w).pow(2).pow(0.5);
        break;
      case 3:
        y = y.div(w).mul(0.01).tanh().mul(100);
        break;
      default: {
        // logit(sigmoid(u)) = u
        const s = y.mul(w).sigmoid();
        y = s.div(s.neg().add(1)).log();
      }
    }
  }
  return y;
}

const leavesOf = (trace: Trace) => trace.nodes.filter((n) => n.children.length === 0);

/** checks the whole trace; by relays (the default) or, relayDepth Infinity, the root worked out again for each leaf */
function check(trace: Trace, relayDepth?: number): NumericCheck {
  const c = new NumericCheck(trace, 1e-6, relayDepth);
  assert.ok(c.run());
  return c;
}

describe("the numeric check of a long chain", () => {
  it("`trace --json` of a 15,000-term sum finishes within the default 10 s limit, with every leaf's numeric (or says how many)", function () {
    this.timeout(120_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "numeric-chain-"));
    try {
      const file = path.join(dir, "sum15k.ts");
      fs.writeFileSync(file, SUM_SCRIPT(15_000));
      const started = Date.now();
      const r = spawnSync(process.execPath, [CLI, "trace", file, "--json"], { encoding: "utf8", maxBuffer: 1 << 30, timeout: 100_000 });
      const seconds = (Date.now() - started) / 1000;
      assert.strictEqual(r.status, 0, `exit ${r.status} after ${seconds} s: ${r.stderr}`);
      const trace = JSON.parse(r.stdout) as Trace;
      const leaves = leavesOf(trace);
      assert.strictEqual(trace.nodes.length, 75_001);
      assert.strictEqual(leaves.length, 30_001);
      const checked = leaves.filter((n) => n.numeric !== undefined);
      if (checked.length < leaves.length) {
        // a machine too busy to check them all in the budget: it says how many it did
        assert.strictEqual(trace.numericPending, leaves.length - checked.length);
        assert.match(r.stderr, new RegExp(`numeric check: ${checked.length.toLocaleString("en-US")} of 30,001 leaves checked`));
      } else assert.strictEqual(trace.numericPending, undefined);
      for (const n of checked) assert.ok(!disagrees(n.grad, n.numeric!), `#${n.id}: grad ${n.grad}, numeric ${n.numeric}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("gives the full recomputation's numbers on a 2,000-term sum (1e-6) and on a chain of varied ops", function () {
    this.timeout(60_000);
    for (const [name, root] of [
      ["2,000-term sum", sumOfSquares(2000)],
      ["2,000-link chain of every op", variedChain(2000)],
    ] as const) {
      const trace = traceOf(root);
      const relayed = check(trace);
      const full = check(trace, Infinity);
      assert.ok(relayed.evaluated * 50 < full.evaluated, `${name}: ${relayed.evaluated} values worked out, ${full.evaluated} in full`);
      for (const n of leavesOf(trace)) {
        const got = relayed.results.get(n.id)!.numeric;
        const want = full.results.get(n.id)!.numeric;
        assert.ok(close(got, want, 1e-6), `${name} #${n.id}: ${got} relayed, ${want} in full`);
        assert.ok(!disagrees(n.grad, got), `${name} #${n.id}: grad ${n.grad}, numeric ${got}`);
      }
    }
  });

  it("works out a number of values linear in the chain's length: a 90,000-value chain in a few per value", function () {
    this.timeout(60_000);
    const work = (trace: Trace) => check(trace).evaluated / trace.nodes.length;
    const sum = traceOf(sumOfSquares(30_000));
    const chain = traceOf(variedChain(16_700));
    assert.ok(chain.nodes.length >= 90_000 && chain.nodes.length < 91_000, `${chain.nodes.length} values`);
    for (const [name, perValue] of [
      ["a 30,000-term sum", work(sum)],
      ["a 90,000-value chain", work(chain)],
      ["a 2,000-term sum", work(traceOf(sumOfSquares(2000)))],
    ] as const)
      assert.ok(perValue < 30, `${name}: ${perValue} values worked out per value`);
    // and every leaf agrees with its grad, the first x through 90,000 values included
    const c = check(chain);
    for (const n of leavesOf(chain)) assert.ok(!disagrees(n.grad, c.results.get(n.id)!.numeric), `#${n.id} ${n.label}`);
  });

  it("carries slopes only through true post-dominators: random graphs with fan-out and fan-in, every value a relay", () => {
    for (let seed = 1; seed <= 30; seed++) {
      const r = rng(seed);
      // each value from one or two of the last few (or a new leaf): paths part and join again
      const made: Value[] = [new Value(r.uniform(-1, 1), "l0")];
      const pick = () =>
        r.next() < 0.2 ? new Value(r.uniform(-1, 1), `l${made.length}`) : made[made.length - 1 - r.int(Math.min(made.length, 6))];
      for (let i = 0; i < 300; i++) {
        const [a, b] = [pick(), pick()];
        const ops = [() => a.mul(b).tanh(), () => a.add(b).sigmoid(), () => a.tanh(), () => a.sub(b).mul(0.5)];
        made.push(ops[r.int(ops.length)]());
      }
      const trace = traceOf(made[made.length - 1]);
      const relayed = check(trace, 0);
      const full = check(trace, Infinity);
      for (const n of leavesOf(trace)) {
        const got = relayed.results.get(n.id)!.numeric;
        const want = full.results.get(n.id)!.numeric;
        assert.ok(close(got, want, 1e-8), `seed ${seed}, leaf ${n.label}: ${got} relayed, ${want} in full`);
        assert.ok(!disagrees(n.grad, got), `seed ${seed}, leaf ${n.label}: grad ${n.grad}, numeric ${got}`);
      }
    }
  });

  it("still catches a wrong local derivative through a long chain", () => {
    // a hand-written sigmoid whose local is s, not s·(1 - s), at the start of a 20,000-value chain (gradCheck, live values)
    const x = new Value(0.3, "x");
    const f = (xs: readonly number[]) => 1 / (1 + Math.exp(-xs[0]));
    const s = f([x.data]);
    const entries = gradCheck(variedChain(4000, manualGrad("sigmoid*", [x], s, [s], f)));
    assert.ok(entries.length > 4000);
    const atX = entries.find((e) => e.id === x.id)!;
    assert.ok(atX.relError > 0.1, `x: analytic ${atX.analytic}, numeric ${atX.numeric}`);
    for (const e of entries) if (e.id !== x.id) assert.ok(e.relError < 1e-6, `${e.label}: ${e.analytic} vs ${e.numeric}`);

    // a recorded pass whose locals are not the derivative of its forward formulas: the trace says
    // sigmoid where backward used tanh's local, 3,000 links before the root
    const trace = traceOf(variedChain(4000));
    const links = trace.nodes.filter((n) => n.op === "tanh");
    const wrong = links[links.length >> 2];
    wrong.op = "sigmoid";
    const c = check(trace);
    const at = new Map(trace.nodes.map((n, i) => [n.id, i]));
    for (const n of leavesOf(trace)) {
      const upstream = at.get(n.id)! < at.get(wrong.id)!;
      assert.strictEqual(disagrees(n.grad, c.results.get(n.id)!.numeric), upstream, `${n.label}: grad ${n.grad}`);
    }
  });

  it("stops a slice in bounded work (the page's 12 ms slices), and is left whole with no budget", () => {
    const trace = traceOf(variedChain(22_500));
    const c = new NumericCheck(trace);
    assert.strictEqual(c.run(performance.now() - 1), false);
    assert.ok(c.results.size > 0 && c.evaluated < 5000, `${c.results.size} leaves, ${c.evaluated} values in a slice`);

    const none = traceOf(sumOfSquares(100));
    assert.strictEqual(checkTrace(none, 0), undefined);
    assert.strictEqual(none.numericPending, 101);
    assert.ok(leavesOf(none).every((n) => n.numeric === undefined));
  });

  it("finishes a pending check in a budget, and counts what it left", async function () {
    this.timeout(60_000);
    const sum = traceOf(sumOfSquares(5000));
    checkTrace(sum, 0);
    assert.deepStrictEqual(await finishCheck(sum, 10_000), { checked: 5001, total: 5001 });
    assert.strictEqual(sum.numericPending, undefined);
    assert.ok(leavesOf(sum).every((n) => n.numeric !== undefined && !disagrees(n.grad, n.numeric)));

    // two chains feeding each other have no post-dominator between them: quadratic, so the budget ends it
    let a = new Value(0.1, "a");
    let b = new Value(0.2, "b");
    for (let i = 0; i < 3000; i++) {
      const p = new Value(0.5);
      [a, b] = [a.add(b.mul(p)).tanh(), b.add(a.mul(p)).tanh()];
    }
    const twin = traceOf(a.add(b));
    checkTrace(twin, 0);
    const { checked, total } = await finishCheck(twin, 1, 1);
    assert.strictEqual(total, 3002);
    assert.ok(checked < total, `${checked} of ${total}`);
    assert.strictEqual(twin.numericPending, total - checked);
    assert.strictEqual(leavesOf(twin).filter((n) => n.numeric !== undefined).length, checked);
  });
});

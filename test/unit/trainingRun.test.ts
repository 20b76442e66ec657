// a training step through the real worker: the numbers a script tracks land on the right call,
// the drawn call carries the update after it, and showDecision's picture is the model's own output
// without adding a backward() call or ending the update.
import * as assert from "node:assert";
import { MLP, mse, xor } from "../../src/engine";
import type { RunResult } from "../../src/shared/protocol";
import { scriptFolder } from "./scriptRun";

const { run } = scriptFolder("training-run-");

const HEADER = 'import { MLP, SGD, Value, mse, xor, track, showDecision } from "backprop-stepper";\n';

/** a result of a run that must have succeeded */
async function result(name: string, body: string, captureCall?: number): Promise<RunResult> {
  const { outcome } = await run(name, HEADER + body, captureCall === undefined ? {} : { captureCall });
  assert.ok(outcome.ok, outcome.ok ? "" : JSON.stringify(outcome.error));
  return outcome.result;
}

/** three backward() calls of a * i, with `between[i]` run after call i's backward() and `before` before the first */
function loop(before: string, between: string[]): string {
  let s = `const a = new Value(2, "a");\n${before}\n`;
  between.forEach((b, i) => (s += `a.mul(${i + 1}).backward();\n${b}\n`));
  return s;
}

describe("a training step through the worker", function () {
  this.timeout(30_000);

  describe("track(name, value): each number on the call it belongs to", () => {
    const cases: [string, string, string[], (Record<string, number> | undefined)[]][] = [
      ["before the first call: the first's", 'track("acc", 0.5);', ["", "", ""], [{ acc: 0.5 }, undefined, undefined]],
      ["between calls: the one before", "", ['track("acc", 1);', 'track("acc", 2);', ""], [{ acc: 1 }, { acc: 2 }, undefined]],
      [
        "after the last call: the last's",
        "",
        ["", "", 'track("acc", 3); track("err", 0.25);'],
        [undefined, undefined, { acc: 3, err: 0.25 }],
      ],
      ["the same name twice in a call: the last", "", ['track("acc", 1); track("acc", 4);', "", ""], [{ acc: 4 }, undefined, undefined]],
      [
        "a Value gives its data; NaN stays NaN",
        "",
        ['track("v", new Value(7));', 'track("nan", NaN);', ""],
        [{ v: 7 }, { nan: NaN }, undefined],
      ],
    ];
    cases.forEach(([name, before, between, expected], k) =>
      it(name, async () => {
        const r = await result(`track${k}.ts`, loop(before, between));
        assert.deepStrictEqual(
          r.calls.map((c) => c.metrics),
          expected,
        );
      }),
    );

    it("a name like __proto__ is kept as a name", async () => {
      const r = await result("proto.ts", loop("", ['track("__proto__", 1); track("constructor", 2);', "", ""]));
      const m = r.calls[0].metrics!;
      assert.deepStrictEqual(Object.keys(m), ["__proto__", "constructor"]);
      assert.strictEqual(Object.getOwnPropertyDescriptor(m, "__proto__")?.value, 1);
    });

    it("a name that is not a string, or a value that is not a number, fails at the script's line", async () => {
      const { outcome } = await run("badTrack.ts", HEADER + 'track("acc", "high" as unknown as number);\n');
      assert.ok(!outcome.ok);
      assert.match(outcome.error.message, /track\("acc", value\) takes a number, got string/);
      assert.strictEqual(outcome.error.pos?.line, 2);
    });
  });

  describe("the update after the drawn call", () => {
    const train = (update: string) => `
const data = xor();
const model = new MLP(2, [3, 1], { seed: 1 });
const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
const before: number[][] = [];
const grads: number[][] = [];
for (let epoch = 0; epoch < 3; epoch++) {
  const loss = mse(data.X.map((x) => model.forward(x)[0]), data.y);
  model.zeroGrad();
  loss.backward();
  before.push(model.parameters().map((p) => p.data));
  grads.push(model.parameters().map((p) => p.grad));
  ${update}
}
console.log(JSON.stringify({ ids: model.parameters().map((p) => p.id), before, grads, now: model.parameters().map((p) => p.data) }));
`;
    interface Printed {
      ids: number[];
      before: number[][];
      grads: number[][];
      now: number[];
    }
    const printed = (out: string) => JSON.parse(out.trim().split("\n").pop()!) as Printed;

    it("sgd: the last call's update on its trace, every parameter with its velocity", async () => {
      const { outcome, out } = await run("sgd.ts", HEADER + train("opt.step();"));
      assert.ok(outcome.ok);
      const p = printed(out);
      const u = outcome.result.trace!.update!;
      assert.strictEqual(u.rule, "sgd");
      assert.deepStrictEqual([u.lr, u.momentum], [0.1, 0.9]);
      assert.deepStrictEqual(
        u.params.map((q) => q.id),
        p.ids,
      );
      u.params.forEach((q, i) => {
        assert.strictEqual(q.before, p.before[2][i]);
        assert.strictEqual(q.after, p.now[i]);
        assert.strictEqual(q.grad, p.grads[2][i]);
        assert.ok(Math.abs(q.after - (q.before - 0.1 * q.velocity!)) < 1e-15);
      });
    });

    it("the script's own update: rule script, after = before - lr·grad, for a picked call too", async () => {
      const body = train("for (const q of model.parameters()) q.data -= 0.05 * q.grad;");
      for (const captureCall of [undefined, 1]) {
        const { outcome, out } = await run(
          `script${captureCall ?? ""}.ts`,
          HEADER + body,
          captureCall === undefined ? {} : { captureCall },
        );
        assert.ok(outcome.ok);
        const k = captureCall ?? 2;
        const p = printed(out);
        const u = outcome.result.trace!.update!;
        assert.strictEqual(outcome.result.trace!.index, k);
        assert.strictEqual(u.rule, "script");
        u.params.forEach((q, i) => {
          assert.deepStrictEqual(q, {
            id: p.ids[i],
            before: p.before[k][i],
            after: p.before[k][i] - 0.05 * p.grads[k][i],
            grad: p.grads[k][i],
          });
        });
      }
    });

    it("showDecision between backward() and the update neither ends the update nor adds a call", async () => {
      const { outcome } = await run(
        "decisionMidStep.ts",
        HEADER +
          train("showDecision((x: number[]) => model.forward(x)[0], data);\nfor (const q of model.parameters()) q.data -= 0.05 * q.grad;"),
      );
      assert.ok(outcome.ok);
      assert.strictEqual(outcome.result.calls.length, 3);
      assert.strictEqual(outcome.result.trace!.update!.rule, "script");
      assert.strictEqual(outcome.result.trace!.update!.params.length, 13);
      assert.ok(outcome.result.decision, "the picture of the drawn call");
    });
  });

  describe("showDecision(model, data)", () => {
    /** the script's model, made again here with the same seed and trained the same way */
    const body = (show: string) => `
const data = xor();
const model = new MLP(2, [4, 1], { seed: 3 });
const opt = new SGD(model.parameters(), { lr: 0.2 });
for (let epoch = 0; epoch < 4; epoch++) {
  const loss = mse(data.X.map((x) => model.forward(x)[0]), data.y);
  model.zeroGrad();
  loss.backward();
  opt.step();
  ${show}
}
`;
    /** the model after `steps` updates, trained here */
    function trained(steps: number): MLP {
      const data = xor();
      const model = new MLP(2, [4, 1], { seed: 3 });
      for (let s = 0; s < steps; s++) {
        const loss = mse(
          data.X.map((x) => model.forward(x)[0]),
          data.y,
        );
        model.zeroGrad();
        loss.backward();
        for (const p of model.parameters()) p.data -= 0.2 * p.grad;
      }
      return model;
    }

    it("the grid is the model's own output at its points, over the data's bounds and a 10% margin", async () => {
      const r = await result("decision.ts", body("showDecision(model, data);"));
      assert.strictEqual(r.calls.length, 4, "no backward() call added");
      const { grid, points } = r.decision!;
      assert.deepStrictEqual(points, [
        { x: 0, y: 0, label: 0 },
        { x: 0, y: 1, label: 1 },
        { x: 1, y: 0, label: 1 },
        { x: 1, y: 1, label: 0 },
      ]);
      assert.deepStrictEqual([grid.x0, grid.x1, grid.y0, grid.y1, grid.nx, grid.ny], [-0.1, 1.1, -0.1, 1.1, 40, 40]);
      assert.strictEqual(grid.values.length, 1600);
      // the drawn call is the last (index 3): the model after its 4th update
      const model = trained(4);
      for (const [i, j] of [
        [0, 0],
        [39, 0],
        [0, 39],
        [17, 23],
        [39, 39],
      ]) {
        const x = grid.x0 + (i * (grid.x1 - grid.x0)) / (grid.nx - 1);
        const y = grid.y0 + (j * (grid.y1 - grid.y0)) / (grid.ny - 1);
        const own = model.forward([x, y])[0].data;
        assert.ok(Math.abs(grid.values[j * grid.nx + i] - own) < 1e-12, `(${x}, ${y}): ${grid.values[j * grid.nx + i]} vs ${own}`);
      }
    });

    it("a picked call gets the picture shown for it, with the model as it was then", async () => {
      const r = await result("decisionPicked.ts", body("showDecision(model, data);"), 1);
      assert.strictEqual(r.trace!.index, 1);
      const model = trained(2);
      const { grid } = r.decision!;
      assert.ok(Math.abs(grid.values[0] - model.forward([grid.x0, grid.y0])[0].data) < 1e-12);
    });

    it("no picture when the script showed none for the drawn call", async () => {
      const r = await result("decisionEarly.ts", body("if (epoch === 0) showDecision(model, data);"));
      assert.strictEqual(r.decision, undefined);
    });

    it("a model of several outputs shows the index of the largest; the bounds follow the data", async () => {
      const r = await result(
        "decisionClasses.ts",
        "const model = new MLP(2, [3], { seed: 5 });\nconst data = { X: [[-2, 1], [4, 3]], y: [0, 2] };\nmodel.forward([0, 0])[0].backward();\nshowDecision(model, data);\n",
      );
      const { grid } = r.decision!;
      [grid.x0, grid.x1, grid.y0, grid.y1].forEach((b, i) => assert.ok(Math.abs(b - [-2.6, 4.6, 0.8, 3.2][i]) < 1e-12, `bound ${i}: ${b}`));
      const model = new MLP(2, [3], { seed: 5 });
      const outs = model.forward([grid.x1, grid.y1]).map((v) => v.data);
      assert.strictEqual(grid.values[1599], outs.indexOf(Math.max(...outs)));
      assert.ok(grid.values.every((v) => [0, 1, 2].includes(v)));
    });

    it("data that is not two inputs per point fails at the script's line", async () => {
      const { outcome } = await run(
        "decisionBad.ts",
        HEADER + "const model = new MLP(3, [1]);\nshowDecision(model, { X: [[1, 2, 3]], y: [1] });\n",
      );
      assert.ok(!outcome.ok);
      assert.match(outcome.error.message, /two inputs/);
      assert.strictEqual(outcome.error.pos?.line, 3);
    });
  });
});

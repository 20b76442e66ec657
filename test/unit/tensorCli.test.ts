// tensors through the cli, as a learner's terminal runs a script: a shape mistake is reported at
// the script's own line with both shapes; `trace` prints a line per tensor op with its shapes, and
// `trace --json` carries each op's record on its group.
import * as assert from "node:assert";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Trace } from "../../src/engine/types";

const REPO = path.resolve(__dirname, "../../..");
const CLI = path.join(REPO, "bin/backprop-stepper.js");

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd: REPO, maxBuffer: 64 << 20 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("tensors through the cli", function () {
  this.timeout(60_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tensor-cli-"));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const script = (name: string, body: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, body);
    return file;
  };

  it("a matmul of the wrong shapes: exit 1, the script's file:line, both shapes", async () => {
    const file = script(
      "matmul.ts",
      [
        'import { tensor } from "backprop-stepper";',
        "const X = tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9], [1, 1, 1]]);",
        "const W = tensor([[1, 2, 3, 4, 5], [6, 7, 8, 9, 10]]);",
        "const h = X.matmul(W);",
        "h.sum().backward();",
      ].join("\n"),
    );
    const { code, stderr } = await cli(["run", file]);
    assert.strictEqual(code, 1);
    assert.match(stderr, /matmul\.ts:4:\d+ Error: matmul: \[4, 3\] · \[2, 5\]: inner sizes 3 and 2 differ/);
  });

  it("an add that does not broadcast, in a function: at the line in the script that did it", async () => {
    const file = script(
      "add.ts",
      [
        'import { tensor, type Tensor } from "backprop-stepper";',
        "function layer(x: Tensor, b: Tensor): Tensor {",
        "  return x.add(b);",
        "}",
        "layer(tensor([[1, 2, 3], [4, 5, 6]]), tensor([1, 2]));",
      ].join("\n"),
    );
    const { code, stderr } = await cli(["run", file]);
    assert.strictEqual(code, 1);
    assert.match(stderr, /add\.ts:3:\d+ Error: add: shapes \[2, 3\] and \[2\] do not broadcast/);
    assert.match(stderr, /at .*add\.ts:5:\d+/, "the caller's line below it");
  });

  it("trace prints each tensor op with its shapes; --json carries the op and shape on its group", async () => {
    const file = script(
      "net.ts",
      [
        'import { Linear, tensor, mse } from "backprop-stepper";',
        "const X = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);",
        "const W1 = tensor([[0.5, -0.5, 0.25, 1], [1, 0.5, -1, 0.5]], 'W1');",
        "const b1 = tensor([0, 0.1, 0.2, 0.3], 'b1');",
        "const h = X.matmul(W1).add(b1).sigmoid();",
        "const out = new Linear(4, 1, { seed: 3 }).forward(h);",
        "const loss = mse(out, [[0], [1], [1], [0]]);",
        "loss.backward();",
      ].join("\n"),
    );
    const text = await cli(["trace", file]);
    assert.strictEqual(text.code, 0, text.stderr);
    const lines = text.stdout.split("\n");
    const line = (start: RegExp) =>
      lines
        .find((l) => start.test(l))
        ?.trim()
        .replace(/ +/g, " ");
    assert.strictEqual(line(/^ +matmul +X·W1 /), "matmul X·W1 [4×2]·[2×4] → [4×4]");
    assert.strictEqual(line(/^ +add +X·W1 \+ b1/), "add X·W1 + b1 [4×4] + [4] → [4×4] (b1 broadcast over axis 0)");
    assert.strictEqual(line(/^ +sigmoid/), "sigmoid h = sigmoid(X·W1 + b1) [4×4] → [4×4]");
    assert.strictEqual(line(/^ +matmul +h·W/), "matmul h·W [4×4]·[4×1] → [4×1]");
    assert.strictEqual(line(/^ +tensor +W1/), "tensor W1 [2×4]");

    const json = await cli(["trace", file, "--json"]);
    const trace = JSON.parse(json.stdout) as Trace;
    const ops = trace.groups.filter((g) => g.tensor !== undefined);
    const mm = ops.find((g) => g.name === "X·W1")!;
    assert.strictEqual(mm.kind, "tensor");
    assert.deepStrictEqual(
      { op: mm.tensor!.op, shape: mm.tensor!.shape, inputs: mm.tensor!.inputs.map((i) => [i.label, i.shape]) },
      {
        op: "matmul",
        shape: [4, 4],
        inputs: [
          ["X", [4, 2]],
          ["W1", [2, 4]],
        ],
      },
    );
    // the root's group is the loss's mean, shape []
    const root = trace.nodes.find((n) => n.id === trace.root)!;
    const mean = ops.find((g) => g.id === root.group)!;
    assert.deepStrictEqual([mean.tensor!.op, mean.tensor!.shape, mean.tensor!.values], ["mean", [], [trace.root]]);
  });
});

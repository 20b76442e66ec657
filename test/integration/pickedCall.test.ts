// a call picked on the loss curve is drawn from a re-run of the script (captureCall); the host
// compares the call that was clicked with the one the re-run made. the page's click cannot be made
// from here, so the test makes the host's two runs itself: Visualize (the run whose curve is
// clicked), then the re-run a click starts, through the extension's own worker, compared as the
// host compares them.
import * as assert from "node:assert";
import * as path from "node:path";
import * as vscode from "vscode";
import { DEFAULTS, runScript } from "../../src/runner/runScript";
import { callMismatch } from "../../src/shared/callMismatch";
import { visualize, writeScript } from "./helpers";

/** a script of four backward() calls whose weight comes from `draw` */
function fourCalls(imports: string, setup: string, draw: string): string {
  return (
    `import { ${imports} } from "backprop-stepper";\n${setup}` +
    "for (let i = 0; i < 4; i++) {\n" +
    `  const w = new Value(${draw}, "w");\n` +
    "  const loss = w.mul(w).add(1);\n" +
    "  loss.backward();\n" +
    "}\n"
  );
}

/** Visualize `name`, then re-run it for call `index` as a click on the curve does */
async function pick(name: string, text: string, index: number) {
  const uri = await writeScript(name, text);
  const shown = (await visualize(uri)).outcome;
  assert.ok(shown.ok && shown.result.calls.length === 4, JSON.stringify(shown));
  const ext = vscode.extensions.getExtension("backprop-stepper.backprop-stepper")!;
  const rerun = await runScript(uri.fsPath, {
    ...DEFAULTS,
    captureCall: index,
    workerPath: path.join(ext.extensionPath, "dist", "worker.js"),
  });
  assert.ok(rerun.ok, JSON.stringify(rerun));
  assert.strictEqual(rerun.result.trace?.index, index, "the re-run draws the picked call");
  return {
    clicked: shown.result.calls[index],
    rerun: rerun.result,
    mismatch: callMismatch(index, shown.result.calls[index], rerun.result),
  };
}

describe("a call picked on the loss curve", () => {
  it("is reported as not the call clicked when the script's losses come from Math.random()", async () => {
    const { clicked, mismatch } = await pick("unseeded.ts", fourCalls("Value", "", "Math.random()"), 2);
    assert.ok(mismatch?.rerun, "a mismatch with the re-run's call");
    assert.deepStrictEqual(mismatch.clicked, { loss: clicked.loss, nodeCount: clicked.nodeCount });
    assert.notStrictEqual(mismatch.rerun.loss, mismatch.clicked.loss);
    assert.strictEqual(mismatch.rerun.nodeCount, mismatch.clicked.nodeCount);
  });

  it("is the call clicked when the script seeds its randomness with rng", async () => {
    const { clicked, rerun, mismatch } = await pick("seeded.ts", fourCalls("Value, rng", "const r = rng(7);\n", "r.uniform(-1, 1)"), 2);
    assert.strictEqual(mismatch, undefined);
    const root = rerun.trace!.nodes.find((n) => n.id === rerun.trace!.root)!;
    assert.strictEqual(root.data, clicked.loss, "the drawn call's loss is the clicked one");
  });
});

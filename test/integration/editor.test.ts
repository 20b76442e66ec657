import * as assert from "node:assert";
import * as vscode from "vscode";
import { api, nextRun, openEditor, until, visualize, workspaceFile, writeScript } from "./helpers";

describe("the editor around a run", () => {
  it("shows the script's console output, in order, in the Backprop Stepper output channel", async () => {
    assert.ok((await visualize(workspaceFile("neuron.ts"))).outcome.ok);
    await vscode.commands.executeCommand("backpropStepper.showOutput");
    const text = await until("the output channel's text", () => {
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.scheme === "output" && d.getText().includes("o = 0.7071"));
      return doc?.getText();
    });
    assert.ok(text.indexOf("o = 0.7071") < text.indexOf("x1.grad = "), "console lines keep their order");
  });

  it("runs again on save and the panel gets the new numbers", async () => {
    const a = await api();
    const uri = await writeScript(
      "resave.ts",
      'import { Value } from "backprop-stepper";\nconst w = new Value(1.0, "w");\nconst y = w.mul(3);\ny.backward();\n',
    );
    assert.ok((await visualize(uri)).outcome.ok);
    const editor = await openEditor(uri);

    const second = nextRun(a);
    await editor.edit((e) => e.replace(new vscode.Range(2, 0, 2, 100), "const y = w.mul(5);"));
    await editor.document.save();
    const { outcome } = await second;
    assert.ok(outcome.ok);
    assert.strictEqual(outcome.result.trace!.nodes.find((n) => n.label === "w")!.grad, 5);
  });

  it("keeps the extension host responsive while an endless script runs, then stops it", async () => {
    const a = await api();
    const config = vscode.workspace.getConfiguration("backpropStepper");
    await config.update("timeoutSeconds", 3, vscode.ConfigurationTarget.Global);
    try {
      const uri = await writeScript("endless.ts", "let i = 0;\nwhile (true) i++;\n");
      await openEditor(uri);
      const run = nextRun(a);
      void vscode.commands.executeCommand("backpropStepper.visualize");
      await new Promise((r) => setTimeout(r, 500));
      // commands issued while the script spins: each round trip through the workbench
      const latencies: number[] = [];
      for (let i = 0; i < 10; i++) {
        const t = performance.now();
        await vscode.commands.executeCommand("backpropStepper.showOutput");
        latencies.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 100));
      }
      const worst = Math.max(...latencies);
      console.log(
        `      command latency while an endless script runs: median ${latencies.sort((x, y) => x - y)[5].toFixed(1)} ms, worst ${worst.toFixed(1)} ms`,
      );
      assert.ok(worst < 200, `a command answered in ${worst.toFixed(0)} ms`);
      const { outcome } = await run;
      assert.ok(!outcome.ok && outcome.error.kind === "timeout", JSON.stringify(outcome));
      assert.match(outcome.error.hint!, /backpropStepper\.timeoutSeconds/);
    } finally {
      await config.update("timeoutSeconds", undefined, vscode.ConfigurationTarget.Global);
    }
  });
});

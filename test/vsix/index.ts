// the .vsix as a user installs it: run inside a real vs code whose extensions folder holds the
// installed package (runInVsCode.mjs --install-vsix), beside an empty development extension that
// only carries these tests. nothing here comes from the repository's own folder.
import * as assert from "node:assert";
import * as path from "node:path";
import Mocha from "mocha";
import * as vscode from "vscode";
import type { BackpropStepperApi } from "../../src/extension/extension";
import type { RunOutcome } from "../../src/runner/runScript";

const REPO = path.resolve(__dirname, "..", "..", "..");

function suite(): void {
  describe("the installed .vsix", () => {
    it("activates from its installed folder and visualizes examples/neuron.ts", async () => {
      const ext = vscode.extensions.getExtension<BackpropStepperApi>("backprop-stepper.backprop-stepper");
      assert.ok(ext, "the extension is installed");
      assert.ok(!ext.extensionPath.startsWith(REPO + path.sep), `it runs from ${ext.extensionPath}, not from the repository`);
      assert.match(ext.extensionPath, /backprop-stepper\.backprop-stepper-\d+\.\d+\.\d+/);
      const t0 = performance.now();
      const api = await ext.activate();
      console.log(`      activation: ${(performance.now() - t0).toFixed(0)} ms (${ext.extensionPath})`);

      const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
      const doc = await vscode.workspace.openTextDocument(path.join(folder, "neuron.ts"));
      await vscode.window.showTextDocument(doc);
      const run = new Promise<RunOutcome>((resolve) => {
        const sub = api.onDidFinishRun((e) => {
          sub.dispose();
          resolve(e.outcome);
        });
      });
      const t1 = performance.now();
      await vscode.commands.executeCommand("backpropStepper.visualize");
      const outcome = await run;
      console.log(`      first run of neuron.ts: ${(performance.now() - t1).toFixed(0)} ms`);
      assert.ok(outcome.ok, JSON.stringify(outcome));
      const x1 = outcome.result.trace!.nodes.find((n) => n.label === "x1")!;
      assert.ok(Math.abs(x1.grad - -1.5) < 1e-9, `x1.grad = ${x1.grad}`);
    });
  });
}

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: "bdd", timeout: 60_000, color: false, reporter: "spec" });
  mocha.suite.emit("pre-require", globalThis, "vsix", mocha);
  suite();
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures ? reject(new Error(`${failures} .vsix test(s) failed`)) : resolve()));
  });
}

// a second mocha entry, run in a workspace that is NOT trusted (runInVsCode.mjs --untrusted)
import * as assert from "node:assert";
import Mocha from "mocha";
import * as vscode from "vscode";
import { api, nextRun, openEditor, workspaceFile } from "../helpers";

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: "bdd", timeout: 60_000, color: false, reporter: "spec" });
  mocha.suite.emit("pre-require", globalThis, "untrusted", mocha);
  describe("an untrusted workspace", () => {
    it("does not run the script", async () => {
      assert.strictEqual(vscode.workspace.isTrusted, false, "the workspace opened in restricted mode");
      const a = await api();
      await openEditor(workspaceFile("neuron.ts"));
      const ran = nextRun(a, 4000).then(
        () => true,
        () => false,
      );
      void vscode.commands.executeCommand("backpropStepper.visualize");
      assert.strictEqual(await ran, false, "no run started");
      const panel = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label.startsWith("Backprop"));
      assert.strictEqual(panel, undefined, "no panel opened");
    });
  });
  return new Promise((resolve, reject) => mocha.run((failures) => (failures ? reject(new Error(`${failures} failed`)) : resolve())));
}

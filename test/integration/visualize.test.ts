import * as assert from "node:assert";
import * as vscode from "vscode";
import { api, nextRun, until, visualize, workspaceFile } from "./helpers";

describe("Visualize Backprop", () => {
  it("runs examples/neuron.ts and the panel gets the graph and its steps", async () => {
    const a = await api();
    const { outcome } = await visualize(workspaceFile("neuron.ts"));
    assert.ok(outcome.ok, `the run succeeded: ${JSON.stringify(outcome)}`);
    const trace = outcome.result.trace!;
    const byLabel = new Map(trace.nodes.map((n) => [n.label, n]));
    for (const [label, grad] of [
      ["x1", -1.5],
      ["w1", 1],
      ["x2", 0.5],
      ["w2", 0],
    ] as const) {
      assert.ok(Math.abs(byLabel.get(label)!.grad - grad) < 1e-9, `${label}.grad = ${byLabel.get(label)!.grad}, expected ${grad}`);
    }
    assert.strictEqual(trace.steps.length, 5, "one step per node with children: o, n, sum, x1*w1, x2*w2");

    // the page has loaded, drawn the trace and reported its position back to the host
    const step = await until("the panel to report its step", () => {
      const s = a.panelStep();
      return s && s.total === trace.steps.length ? s : undefined;
    });
    assert.deepStrictEqual(step, { step: 0, total: 5 });
    const tab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label === "Backprop: neuron.ts");
    assert.ok(tab, "a panel titled 'Backprop: neuron.ts' is open");
  });

  it("reuses the panel's column when Visualize runs again with the panel focused", async () => {
    const a = await api();
    await visualize(workspaceFile("neuron.ts"));
    const panelTab = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label.startsWith("Backprop: "));
    const column = panelTab()!.group.viewColumn;
    const groups = vscode.window.tabGroups.all.length;
    // the user clicks into the panel, then runs Visualize again from the palette, three times
    for (let i = 0; i < 3; i++) {
      await vscode.commands.executeCommand("workbench.action.focusNextGroup");
      const run = nextRun(a);
      await vscode.commands.executeCommand("backpropStepper.visualize", workspaceFile("neuron.ts"));
      await run;
    }
    assert.strictEqual(vscode.window.tabGroups.all.length, groups, "no new editor column was opened");
    assert.strictEqual(panelTab()!.group.viewColumn, column, "the panel stayed in its column");
  });
});

import * as assert from "node:assert";
import * as vscode from "vscode";
import { openEditor, until, writeScript } from "./helpers";

describe("IntelliSense with no set-up", () => {
  it('resolves "backprop-stepper" in the TypeScript server: its types check and complete', async function () {
    this.timeout(120_000);
    const text = 'import { Value } from "backprop-stepper";\nconst a = new Value(2, "a");\nconst s: string = a.tanh().data;\na.\n';
    const uri = await writeScript("typed.ts", text);
    await openEditor(uri);
    // the server reports the script's own type error, and nothing about a missing module
    const diagnostics = await until(
      "the TypeScript server's diagnostics",
      () => {
        const d = vscode.languages.getDiagnostics(uri).filter((x) => x.source === "ts");
        return d.some((x) => x.message.includes("not assignable")) ? d : undefined;
      },
      90_000,
    );
    assert.ok(!diagnostics.some((d) => /Cannot find module/.test(d.message)), diagnostics.map((d) => d.message).join("; "));
    assert.strictEqual(diagnostics.find((d) => d.message.includes("not assignable"))!.range.start.line, 2);

    const list = await vscode.commands.executeCommand<vscode.CompletionList>(
      "vscode.executeCompletionItemProvider",
      uri,
      new vscode.Position(3, 2),
    );
    const names = list.items.map((i) => (typeof i.label === "string" ? i.label : i.label.label));
    for (const name of ["backward", "tanh", "grad", "data"]) assert.ok(names.includes(name), `completes ${name}`);
  });
});

import * as assert from "node:assert";
import * as vscode from "vscode";
import { until, visualize, writeScript } from "./helpers";

async function visualizeScript(name: string, text: string) {
  const uri = await writeScript(name, text);
  return { uri, ...(await visualize(uri)) };
}

describe("a script that fails", () => {
  it("puts a syntax error in Problems at its line and column", async () => {
    const { uri, outcome } = await visualizeScript(
      "broken.ts",
      'import { Value } from "backprop-stepper";\nconst a = new Value(1);\nconst b = a.mul(;\n',
    );
    assert.ok(!outcome.ok && outcome.error.kind === "syntax");
    const diagnostics = await until("a diagnostic", () => {
      const d = vscode.languages.getDiagnostics(uri).filter((x) => x.source === "Backprop Stepper");
      return d.length ? d : undefined;
    });
    assert.strictEqual(diagnostics[0].range.start.line, 2, "line 3, zero-based 2");
    assert.strictEqual(diagnostics[0].range.start.character, 16);
  });

  it("puts a throw at the user's own line", async () => {
    const { uri, outcome } = await visualizeScript(
      "throws.ts",
      'import { Value } from "backprop-stepper";\n\nfunction check(v: Value) {\n  if (v.data > 0) throw new Error("too big");\n}\ncheck(new Value(3));\n',
    );
    assert.ok(!outcome.ok && outcome.error.kind === "runtime");
    assert.match(outcome.error.message, /too big/);
    const d = await until("a diagnostic", () => vscode.languages.getDiagnostics(uri).find((x) => x.source === "Backprop Stepper"));
    assert.strictEqual(d.range.start.line, 3);
  });
});

// Harness smoke probe: a mocha entry (run(): Promise<void>, as @vscode/test-electron expects) that
// runs inside the real VS Code extension host started by test/harness/runInVsCode.mjs.
//   node test/harness/runInVsCode.mjs --tests "$PWD/test/smoke/index.js" --workspace test/smoke/workspace \
//     --extension-development-path "$PWD/test/smoke/ext"
// SMOKE_EXPECT_VERSION=9.9 (inherited by the extension host) makes the test fail, to check the
// harness reports failure; SMOKE_EXPECT_UNTRUSTED=1 goes with --untrusted.
const assert = require("node:assert");
const Mocha = require("mocha");
const vscode = require("vscode");

function run() {
  const mocha = new Mocha({ ui: "bdd", color: false, timeout: 20000 });
  const suite = Mocha.Suite.create(mocha.suite, "smoke");
  const expected = process.env.SMOKE_EXPECT_VERSION || "1.100";
  suite.addTest(
    new Mocha.Test(`vscode.version starts with ${expected}`, () => {
      assert.ok(vscode.version.startsWith(expected), `vscode.version is ${vscode.version}`);
    }),
  );
  suite.addTest(
    new Mocha.Test("the workspace folder is open", async () => {
      const folders = vscode.workspace.workspaceFolders ?? [];
      assert.strictEqual(folders.length, 1);
      const files = await vscode.workspace.findFiles("README.txt");
      assert.strictEqual(files.length, 1);
      const text = Buffer.from(await vscode.workspace.fs.readFile(files[0])).toString("utf8");
      assert.match(text, /smoke probe/);
    }),
  );
  suite.addTest(
    new Mocha.Test("the built-in TypeScript server reports a type error", async function () {
      this.timeout(60000);
      // written here, not shipped: a .ts file with a type error in the repo would fail its typecheck
      const uri = vscode.Uri.joinPath(vscode.workspace.workspaceFolders[0].uri, "typed.ts");
      await vscode.workspace.fs.writeFile(uri, Buffer.from('const answer: number = "forty-two";\nexport { answer };\n'));
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
      const deadline = Date.now() + 55000;
      let diags = [];
      while (Date.now() < deadline) {
        diags = vscode.languages.getDiagnostics(uri);
        if (diags.length) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      assert.ok(diags.some((d) => d.source === "ts" && /not assignable to type 'number'/.test(d.message)), JSON.stringify(diags));
    }),
  );
  const expectTrusted = !process.env.SMOKE_EXPECT_UNTRUSTED; // set it when running with --untrusted
  suite.addTest(
    new Mocha.Test(`the workspace is ${expectTrusted ? "trusted" : "untrusted (restricted mode)"}`, () => {
      assert.strictEqual(vscode.workspace.isTrusted, expectTrusted);
    }),
  );
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures ? reject(new Error(`${failures} test(s) failed`)) : resolve()));
  });
}

module.exports = { run };

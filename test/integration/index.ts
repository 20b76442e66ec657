// the mocha entry that runs inside a real vs code extension host. it exports run() as
// @vscode/test-electron expects, so the same entry serves test-electron and the code-server harness.
import * as path from "node:path";
import Mocha from "mocha";

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: "bdd", timeout: 60_000, color: false, reporter: "spec" });
  const files = ["visualize.test.js", "errors.test.js", "editor.test.js", "cancel.test.js", "pickedCall.test.js", "intellisense.test.js"];
  for (const file of files) mocha.addFile(path.join(__dirname, file));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures ? reject(new Error(`${failures} integration test(s) failed`)) : resolve()));
  });
}

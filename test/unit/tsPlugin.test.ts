// the typescript server plugin, in a real typescript language service: a script that imports
// "backprop-stepper" with no install resolves to the engine's types, completes and type-checks
import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript/lib/tsserverlibrary";

const PLUGIN = path.resolve(__dirname, "../../../dist/tsPlugin.js");

function service(files: Record<string, string>) {
  const options: ts.CompilerOptions = { strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, types: [] };
  const host: ts.LanguageServiceHost = {
    getCompilationSettings: () => options,
    getScriptFileNames: () => Object.keys(files),
    getScriptVersion: () => "1",
    getScriptSnapshot: (f) => {
      const text = files[f] ?? ts.sys.readFile(f);
      return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
    },
    getCurrentDirectory: () => "/project",
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: (f) => f in files || ts.sys.fileExists(f),
    readFile: (f) => files[f] ?? ts.sys.readFile(f),
    // as the server's projects do: resolve each import literal
    resolveModuleNameLiterals: (literals, containing, _redirect, opts) =>
      literals.map((l) => ts.resolveModuleName(l.text, containing, opts, { fileExists: host.fileExists, readFile: host.readFile! })),
  };
  const languageService = ts.createLanguageService(host);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the built plugin, loaded as the typescript server loads it
  const init = require(PLUGIN) as (m: { typescript: typeof ts }) => ts.server.PluginModule;
  const info = { languageServiceHost: host, languageService, project: { projectService: { logger: { info() {} } } } };
  return init({ typescript: ts }).create(info as unknown as ts.server.PluginCreateInfo);
}

describe("typescript server plugin", function () {
  this.timeout(30_000); // a language service starts in a second or two, longer on a busy machine
  const file = "/project/model.ts";
  const text =
    'import { Value, MLP } from "backprop-stepper";\nconst a = new Value(2, "a");\nconst s: string = a.tanh().data;\nconst m = new MLP(2, [4, 1]);\nm.forward([1, 2])[0].';

  it("resolves the module with no install: the only error is the script's own type error", () => {
    const ls = service({ [file]: text + "backward();\n" });
    const errors = ls.getSemanticDiagnostics(file).map((d) => ({
      line: d.file!.getLineAndCharacterOfPosition(d.start!).line + 1,
      text: ts.flattenDiagnosticMessageText(d.messageText, "\n"),
    }));
    assert.deepStrictEqual(errors, [{ line: 3, text: "Type 'number' is not assignable to type 'string'." }]);
  });

  it("completes the engine's API", () => {
    const ls = service({ [file]: text });
    const names = ls.getCompletionsAtPosition(file, text.length, {})!.entries.map((e) => e.name);
    for (const name of ["backward", "tanh", "relu", "grad", "data", "label"]) assert.ok(names.includes(name), name);
    assert.ok(!names.some((n) => n.startsWith("_")), "internals stay hidden");
  });

  it("type-checks the tensor examples (tensor, Tensor.manual, Linear, the losses and SGD on tensors)", function () {
    this.timeout(60_000); // a language service per example
    const examples = path.resolve(__dirname, "../../../examples");
    for (const name of ["xor-tensors.ts", "manual-vs-auto.ts", "batch-linear.ts", "scalars-vs-tensors.ts"]) {
      const source = fs.readFileSync(path.join(examples, name), "utf8");
      // and a mistake at the end, so the check is seen to run: item() is a number
      const ls = service({ [file]: source + "\nconst wrong: string = tensor([1, 2]).sum().item();\n" });
      const errors = ls.getSemanticDiagnostics(file).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      assert.deepStrictEqual(errors, ["Type 'number' is not assignable to type 'string'."], name);
    }
  });

  it("without the plugin the module is not found (so the test proves the plugin)", () => {
    const ls = ts.createLanguageService({
      getCompilationSettings: () => ({ types: [] }),
      getScriptFileNames: () => [file],
      getScriptVersion: () => "1",
      getScriptSnapshot: (f) =>
        f === file
          ? ts.ScriptSnapshot.fromString(text)
          : ts.sys.readFile(f) !== undefined
            ? ts.ScriptSnapshot.fromString(ts.sys.readFile(f)!)
            : undefined,
      getCurrentDirectory: () => "/project",
      getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
      fileExists: (f) => f === file || ts.sys.fileExists(f),
      readFile: (f) => (f === file ? text : ts.sys.readFile(f)),
    });
    const messages = ls.getSemanticDiagnostics(file).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    assert.ok(
      messages.some((m) => m.includes("Cannot find module 'backprop-stepper'")),
      messages.join("; "),
    );
  });
});

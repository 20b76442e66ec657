// turns the user's script (and the files it imports) into one commonjs bundle.
// the transpiler stays behind this one function, so it can be swapped for a lighter one.
import * as esbuild from "esbuild";
import * as path from "node:path";
import type { ScriptError } from "../shared/protocol";

/** the global through which the bundle reaches the engine instance of the process that runs it */
export const ENGINE_GLOBAL = "__backpropStepperEngine";

export interface Bundle {
  /** commonjs code with an inline source map */
  code: string;
  /** absolute paths of the user's own files in the bundle */
  inputs: string[];
}

// "backprop-stepper" resolves to the engine already loaded in the worker, so the runner
// sees every Value the script makes (a second copy of the engine would not report to it)
const enginePlugin: esbuild.Plugin = {
  name: "backprop-stepper-engine",
  setup(build) {
    build.onResolve({ filter: /^backprop-stepper$/ }, () => ({ path: "engine", namespace: "backprop-stepper" }));
    build.onLoad({ filter: /.*/, namespace: "backprop-stepper" }, () => ({
      contents: `module.exports = globalThis.${ENGINE_GLOBAL};`,
      loader: "js",
    }));
  },
};

/** bundles `file`; `outFile` is where the code will be written, so the source map's paths resolve */
export async function transpile(file: string, outFile: string): Promise<Bundle | ScriptError> {
  try {
    const result = await esbuild.build({
      entryPoints: [file],
      bundle: true,
      write: false,
      outfile: outFile,
      platform: "node",
      format: "cjs",
      target: "node20",
      sourcemap: "inline",
      sourcesContent: false,
      metafile: true,
      logLevel: "silent",
      plugins: [enginePlugin],
    });
    const code = result.outputFiles.find((f) => f.path.endsWith(".js"))?.text ?? "";
    const cwd = process.cwd();
    const inputs = Object.keys(result.metafile.inputs)
      .filter((p) => !p.startsWith("backprop-stepper:"))
      .map((p) => path.resolve(cwd, p));
    return { code, inputs };
  } catch (e) {
    return buildError(e, file);
  }
}

function buildError(e: unknown, file: string): ScriptError {
  const failure = e as esbuild.BuildFailure;
  const first = failure.errors?.[0];
  if (!first) return { kind: "syntax", message: String((e as Error)?.message ?? e), pos: { file, line: 1, column: 1 } };
  const missing = /^Could not resolve/.test(first.text);
  const loc = first.location;
  return {
    kind: missing ? "import" : "syntax",
    message: first.text,
    pos: loc ? { file: path.resolve(loc.file), line: loc.line, column: loc.column + 1 } : { file, line: 1, column: 1 },
    hint: missing ? "Check the path: imports of files next to the script need a relative path such as \"./data\"." : undefined,
  };
}

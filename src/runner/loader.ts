// how a user's script is loaded: node requires each .ts file itself, and sucrase strips its types
// on the way in (lines stay where they were; a source map gives the exact columns). so __dirname,
// __filename, relative imports (./data, ./data.json, ./util.js for util.ts) and node's built-ins
// behave as they do in node, and "backprop-stepper" is the engine this process has loaded.
// a value the script did not label is named after the variable it was first assigned to
// (autoNames.ts). pure javascript: no native binary, so one package serves every platform.
// the user's own .js files (those outside node_modules) load as node loads them, and count as the
// user's: a throw in one is placed at its own line.
import Module, { SourceMap } from "node:module";
import * as fs from "node:fs";
import * as path from "node:path";
import * as vm from "node:vm";
import { parse } from "acorn";
import { transform } from "sucrase";
import type { SourcePos } from "../shared/protocol";
import { nameValue } from "../engine/naming";
import { NAME_HELPER, addNames } from "./autoNames";

/** what `import ... from "backprop-stepper"` resolves to */
export const ENGINE_ID = "backprop-stepper";
const TS_EXTENSIONS = [".ts", ".mts", ".cts"];

/** a script that does not parse, at its own place */
export class ScriptSyntaxError extends Error {
  constructor(
    message: string,
    readonly pos: SourcePos,
  ) {
    super(message);
  }
}

/** a name imported from "backprop-stepper" that it does not export, at the import */
export class ScriptImportError extends Error {
  constructor(
    message: string,
    readonly pos: SourcePos,
    readonly hint: string,
  ) {
    super(message);
  }
}

export interface Loader {
  /** the user's files node has loaded so far, entry first */
  readonly files: ReadonlySet<string>;
  /** the place of a SyntaxError v8 raised while compiling one of them, in the user's own columns */
  syntaxPos(e: unknown): SourcePos | undefined;
  /** the user's place for a place in the code node ran (0-based line and column, as v8 counts) */
  original(file: string, line: number, column: number): SourcePos | undefined;
}

// node's loader internals, which every require hook uses (they are stable since node 0.x)
interface ModuleInternals {
  _extensions: Record<string, (module: Module & { _compile(code: string, file: string): void }, file: string) => void>;
  _resolveFilename(request: string, parent: unknown, ...rest: unknown[]): string;
  _cache: Record<string, Module>;
}

/**
 * makes require() load .ts files and resolve "backprop-stepper" to `engine` (what a script may
 * import); `entry` is the script itself (only it may use top-level await: it is the one module
 * nothing waits on). `onEntry` is called when the entry's own code is about to run (after its
 * transform, the runner's time, not the script's)
 */
export function installLoader(engine: object, entry: string, onEntry?: () => void): Loader {
  const M = Module as unknown as ModuleInternals;
  const files = new Set<string>();
  const maps = new Map<string, { map: SourceMap; shift: number }>();
  const exported = new Set(Object.keys(engine));

  const engineModule = new Module(ENGINE_ID);
  engineModule.exports = engine;
  engineModule.loaded = true;
  M._cache[ENGINE_ID] = engineModule;
  // what the naming calls added to the user's files call: read-only, and out of the script's sight.
  // a call the runner added must never throw where the script would not (`instanceof` on a proxy
  // whose getPrototypeOf trap throws)
  const name = (v: unknown, label: string) => {
    try {
      nameValue(v, label);
    } catch {
      // not a Value that can be named
    }
  };
  Object.defineProperty(globalThis, NAME_HELPER, { value: name, writable: false, enumerable: false, configurable: true });

  const resolve = M._resolveFilename;
  M._resolveFilename = function (request, parent, ...rest) {
    if (request === ENGINE_ID) return ENGINE_ID;
    try {
      return resolve.call(this, request, parent, ...rest);
    } catch (e) {
      // typescript's convention: "./util.js" names util.ts
      const ts = /^\.\.?\//.test(request) ? request.replace(/\.([cm]?)js$/, ".$1ts") : request;
      if (ts === request) throw e;
      return resolve.call(this, ts, parent, ...rest);
    }
  };

  const load: ModuleInternals["_extensions"][string] = (module, file) => {
    files.add(file);
    const source = fs.readFileSync(file, "utf8").replace(/^\uFEFF/, "");
    const { code, map, shift } = strip(source, file, file === entry);
    if (readsMissing(code, source, exported)) checkImports(source, file, exported);
    maps.set(file, { map: new SourceMap(map), shift });
    if (file === entry) onEntry?.();
    module._compile(
      `${code}\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(map)).toString("base64")}`,
      file,
    );
  };
  for (const ext of TS_EXTENSIONS) M._extensions[ext] = load;
  // the user's own javascript (.js, .cjs): loaded by node as it is, and one of the user's files
  const loadJs = M._extensions[".js"];
  M._extensions[".js"] = function (module, file) {
    if (!file.split(path.sep).includes("node_modules")) files.add(file);
    return loadJs.call(this, module, file);
  };

  const original = (file: string, line: number, column: number): SourcePos | undefined => {
    const known = maps.get(file);
    // a .js file runs as written
    if (!known) return files.has(file) ? { file, line: line + 1, column: column + 1 } : undefined;
    const at = known.map.findEntry(line, column) as { originalLine?: number; originalColumn?: number };
    return at.originalLine === undefined
      ? { file, line: Math.max(1, line + 1 - known.shift), column: 1 }
      : { file, line: at.originalLine + 1, column: (at.originalColumn ?? 0) + 1 };
  };

  return {
    files,
    original,
    syntaxPos(e) {
      // v8's own: the stack starts "file:line", then the generated line and a caret under it
      if (!(e instanceof SyntaxError) || typeof e.stack !== "string") return undefined;
      const [head, , caret] = e.stack.split("\n");
      const m = /^(.*):(\d+)$/.exec(head ?? "");
      return m ? original(m[1], Number(m[2]) - 1, Math.max(0, (caret ?? "").indexOf("^"))) : undefined;
    },
  };
}

interface Stripped {
  code: string;
  map: SourceMap["payload"];
  /** lines added above the user's first line */
  shift: number;
}

function strip(source: string, file: string, isEntry: boolean): Stripped {
  let out: ReturnType<typeof transform>;
  try {
    out = transform(source, {
      transforms: ["typescript", "imports"],
      filePath: file,
      // node 20 runs modern javascript as written: only types and import/export change
      disableESTransforms: true,
      sourceMapOptions: { compiledFilename: file },
    });
  } catch (e) {
    const err = e as Error & { loc?: { line: number; column: number }; pos?: number };
    // "Unexpected token (3:17)" says which token: `Unexpected ";"`
    const token = /^[A-Za-z_$\d]+|^\S/.exec(source.slice(err.pos ?? source.length))?.[0];
    const message = err.message
      .replace(/^Error transforming .*?: /, "")
      .replace(/ \(\d+:\d+\)$/, "")
      .replace(/^Unexpected token/, token ? `Unexpected "${token}"` : "Unexpected end of file");
    throw new ScriptSyntaxError(message, { file, line: err.loc?.line ?? 1, column: err.loc?.column ?? 1 });
  }
  const named = addNames(out.code, out.sourceMap!.mappings);
  const map = { ...out.sourceMap!, sources: [file], mappings: named.mappings } as SourceMap["payload"];
  if (!/\bawait\b/.test(source) || !needsAsync(named.code)) return { code: named.code, map, shift: 0 };
  if (!isEntry) {
    throw new ScriptSyntaxError("top-level await works in the script itself, not in a file it imports (nothing waits for an import).", {
      file,
      ...firstAwait(source),
    });
  }
  // the script's body runs in an async function: its rejection is the script's error, reported
  // like any other; one line is added above it, and the map says so
  return { code: `(async () => {\n${named.code}\n})();`, map: { ...map, mappings: ";" + map.mappings }, shift: 1 };
}

interface AcornNode {
  type: string;
  loc: { start: { line: number; column: number } };
  [key: string]: unknown;
}

/**
 * true when the transformed `code` may read a name "backprop-stepper" does not export: sucrase
 * turns `import { a } from "backprop-stepper"` into `var _backpropstepper = require(…)` and each
 * use of `a` into `_backpropstepper.a`. a quick look, so that the exact check (a second transform
 * and a parse) runs only for a file that needs it; when the code is not in that form, it runs too.
 */
function readsMissing(code: string, source: string, exported: ReadonlySet<string>): boolean {
  if (!source.includes(ENGINE_ID)) return false;
  const modules = [...code.matchAll(/\bvar (_[\w$]+) = require\(['"]backprop-stepper['"]\)/g)].map((m) => m[1]);
  if (modules.length === 0) return true;
  for (const name of modules) {
    const reads = new RegExp(
      `(?<![\\w$.])${name.replace(/\$/g, "\\$")}\\.([A-Za-z_$][\\w$]*)|_createNamedExportFrom\\(${name.replace(/\$/g, "\\$")}, '[^']*', '([^']*)'\\)`,
      "g",
    );
    for (const m of code.matchAll(reads)) if (!exported.has(m[1] ?? m[2])) return true;
  }
  return false;
}

/**
 * throws a ScriptImportError for the first name a file imports (or re-exports) from
 * "backprop-stepper" that the engine does not export, as an es module's import would: otherwise
 * the name is undefined and the script fails later, where it uses it, with a TypeError that does
 * not say why. type-only imports are left out (the typescript transform drops them first); a
 * namespace (`import * as bp`) is not checked, as in javascript.
 */
function checkImports(source: string, file: string, exported: ReadonlySet<string>): void {
  if (!source.includes(ENGINE_ID)) return;
  let esm: ReturnType<typeof transform>;
  let program: { body: AcornNode[] };
  try {
    esm = transform(source, {
      transforms: ["typescript"],
      filePath: file,
      disableESTransforms: true,
      sourceMapOptions: { compiledFilename: file },
    });
    program = parse(esm.code, {
      ecmaVersion: "latest",
      sourceType: "module",
      locations: true,
      allowAwaitOutsideFunction: true,
      allowReturnOutsideFunction: true,
      allowHashBang: true,
    }) as unknown as { body: AcornNode[] };
  } catch {
    return; // the file's own load reports what does not parse
  }
  for (const node of program.body) {
    const from = (node.source as { value?: unknown } | null | undefined)?.value;
    if (from !== ENGINE_ID || (node.type !== "ImportDeclaration" && node.type !== "ExportNamedDeclaration")) continue;
    for (const spec of node.specifiers as AcornNode[]) {
      // import { a as b }: a is imported; export { a as b } from: a is local
      const named = (spec.type === "ImportSpecifier" ? spec.imported : spec.type === "ExportSpecifier" ? spec.local : undefined) as
        (AcornNode & { name?: string; value?: string }) | undefined;
      const name = named?.name ?? named?.value;
      if (named === undefined || typeof name !== "string" || exported.has(name)) continue;
      const at = new SourceMap(esm.sourceMap as SourceMap["payload"]).findEntry(named.loc.start.line - 1, named.loc.start.column) as {
        originalLine?: number;
        originalColumn?: number;
      };
      const pos =
        at.originalLine === undefined
          ? { file, line: named.loc.start.line, column: named.loc.start.column + 1 }
          : { file, line: at.originalLine + 1, column: (at.originalColumn ?? 0) + 1 };
      throw new ScriptImportError(`"${name}" is not exported by ${ENGINE_ID}`, pos, exportsHint(name, exported));
    }
  }
}

/** the names the engine exports, and the closest to a misspelt one */
function exportsHint(name: string, exported: ReadonlySet<string>): string {
  const names = [...exported].sort((a, b) => a.localeCompare(b, "en", { sensitivity: "base" }));
  const close =
    names.find((n) => n.toLowerCase() === name.toLowerCase()) ?? names.find((n) => editDistance(n, name) <= (name.length <= 4 ? 1 : 2));
  const said = `${ENGINE_ID} exports ${names.join(", ")}.`;
  return close ? `Did you mean "${close}"? ${said}` : said;
}

/** levenshtein's distance, for short names */
function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length];
}

/** true when the code has top-level await: it compiles only as the body of an async function */
function needsAsync(code: string): boolean {
  const compiles = (text: string) => {
    try {
      new vm.Script(text);
      return true;
    } catch {
      return false;
    }
  };
  return !compiles(Module.wrap(code)) && compiles(`(async () => {\n${code}\n})`);
}

function firstAwait(source: string): { line: number; column: number } {
  const lines = source.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const c = lines[i].search(/\bawait\b/);
    if (c >= 0) return { line: i + 1, column: c + 1 };
  }
  return { line: 1, column: 1 };
}

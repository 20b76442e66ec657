// one esbuild entry per runtime: extension host, script worker, cli (node/cjs), webview (browser/iife),
// plus the tests and benchmarks (node/cjs) so mocha runs plain javascript.
import * as esbuild from "esbuild";
import { readdirSync, statSync, rmSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const production = process.argv.includes("--production");
const watch = process.argv.includes("--watch");

/** every *.ts file below dir (recursive) */
function tsFiles(dir) {
  let out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out = out.concat(tsFiles(p));
    else if (p.endsWith(".ts") && !p.endsWith(".d.ts")) out.push(p);
  }
  return out;
}

const node = {
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  sourcemap: production ? false : "linked",
  minify: production,
  logLevel: "warning",
};

const builds = [
  { ...node, entryPoints: { extension: "src/extension/extension.ts" }, outdir: "dist", external: ["vscode"] },
  // loaded by the typescript server, which hands it the typescript module
  { ...node, entryPoints: { tsPlugin: "src/tsPlugin/index.ts" }, outdir: "dist", external: ["typescript"] },
  // the worker carries its transpiler (sucrase, plain javascript): the package has no native binary
  { ...node, entryPoints: { worker: "src/runner/worker.ts", cli: "src/cli/main.ts" }, outdir: "dist" },
  {
    bundle: true,
    platform: "browser",
    format: "iife",
    target: "es2022",
    sourcemap: production ? false : "linked",
    // minified in every build (the source map keeps it readable): the page's first run waits for
    // its bundle to load, and the bench measures the bundle users get (1.2 MB -> about 0.5 MB)
    minify: true,
    logLevel: "warning",
    entryPoints: { webview: "src/webview/main.ts" },
    outdir: "dist",
  },
];

if (!production) {
  // tests and benchmarks: one file each, keeping their folder layout under out/
  const tests = [...tsFiles("test"), ...tsFiles("bench")].filter((f) => !f.includes("fixtures"));
  if (tests.length) {
    builds.push({
      ...node,
      entryPoints: tests,
      outdir: "out",
      outbase: ".",
      external: ["vscode", "esbuild", "playwright-core", "mocha", "typescript"],
    });
  }
}

// a production build (the .vsix) leaves the tests' build alone: the .vsix test runs after it
if (!watch && !production) {
  rmSync("out", { recursive: true, force: true });
}

/** the engine's declarations, which the typescript server plugin serves for "backprop-stepper" */
function engineTypes() {
  const tsc = spawnSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "src/engine/tsconfig.types.json"], {
    stdio: "inherit",
  });
  if (tsc.status !== 0) throw new Error("the engine's declarations did not build");
}

if (watch) {
  engineTypes();
  for (const b of builds) (await esbuild.context(b)).watch();
  console.log("[watch] build started");
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  engineTypes();
}

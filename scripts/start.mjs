#!/usr/bin/env node
// `npm start` (after `npm run build`): a real VS Code (code-server 4.100.3 = VS Code 1.100.3) in the
// browser, with a copy of the repo's examples/ open and this extension loaded in development mode
// from the repo (dist/ as built), on http://127.0.0.1:$PORT (default 8080; another free port if taken).
// The copy lives in .vscode-test/workspace/examples (git-ignored), so edits made in the browser stay
// there and never touch the repo's files; each start adds the examples it lacks and refreshes the
// ones you have not edited (see copyExamples). Installs the test VS Code into .vscode-test/ first if
// it is not there. Ctrl-C stops it.
//
//   node scripts/start.mjs [--verbose]      (--verbose: also print code-server's own output)
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { ensureVsCode, REPO_ROOT, VSCODE_VERSION } from "./install-vscode.mjs";
import { freePort, portInUse, startCodeServer, workbenchUrl } from "./codeServer.mjs";

const verbose = process.argv.includes("--verbose");
const say = (s) => console.log(`[start] ${s}`);

const EXAMPLES = join(REPO_ROOT, "examples");
const WORKSPACE = join(REPO_ROOT, ".vscode-test", "workspace", "examples");
/** name -> hash of what was last copied there: a copy that still has that hash was not edited */
const COPIED = join(REPO_ROOT, ".vscode-test", "workspace", "copied.json");

const hashOf = (file) => createHash("sha256").update(readFileSync(file)).digest("hex");

/**
 * examples/ into WORKSPACE. a file the copy lacks is copied; a file you have not edited since it
 * was copied is brought up to date (or removed, when examples/ no longer has it); a file you
 * edited is kept as it is, and listed. files you added are left alone.
 */
function copyExamples() {
  let copied = {};
  try {
    copied = JSON.parse(readFileSync(COPIED, "utf8"));
  } catch {
    // first start, or the record is unreadable: only missing files are copied
  }
  const added = [];
  const refreshed = [];
  const kept = [];
  const names = readdirSync(EXAMPLES, { recursive: true }).filter((n) => statSync(join(EXAMPLES, n)).isFile());
  for (const name of names) {
    const from = join(EXAMPLES, name);
    const to = join(WORKSPACE, name);
    const wanted = hashOf(from);
    if (!existsSync(to)) {
      mkdirSync(dirname(to), { recursive: true });
      copyFileSync(from, to);
      added.push(name);
    } else {
      const have = hashOf(to);
      if (have !== wanted && have === copied[name]) {
        copyFileSync(from, to);
        refreshed.push(name);
      } else if (have !== wanted) {
        kept.push(name);
        continue; // still yours: the record keeps what was last copied
      }
    }
    copied[name] = wanted;
  }
  for (const name of Object.keys(copied)) {
    if (names.includes(name)) continue;
    const stale = join(WORKSPACE, name);
    if (existsSync(stale) && hashOf(stale) === copied[name]) rmSync(stale);
    delete copied[name];
  }
  writeFileSync(COPIED, JSON.stringify(copied, null, 2) + "\n");
  return { added, refreshed, kept };
}

async function main() {
  try {
    ensureVsCode();
  } catch (e) {
    console.error(`[start] installing the test VS Code failed: ${e.message}`);
    process.exit(1);
  }

  mkdirSync(WORKSPACE, { recursive: true });
  const { added, refreshed, kept } = copyExamples();
  const workspace = WORKSPACE;
  if (!existsSync(join(REPO_ROOT, "dist", "extension.js"))) {
    say("warning: dist/extension.js is missing: run `npm run build` first (npm start does)");
  }

  const wanted = Number(process.env.PORT || 8080);
  let port = wanted;
  if (!Number.isInteger(wanted) || wanted <= 0 || wanted > 65535 || (await portInUse(wanted))) {
    port = await freePort();
    say(`port ${process.env.PORT || 8080} is taken or invalid: using ${port}`);
  }

  const server = await startCodeServer({
    workspace,
    // a copy of the project's own examples: no "do you trust the authors" prompt, the extension
    // runs with full rights (tests cover restricted mode with trust: false)
    trust: true,
    port,
    startTimeoutMs: 90000,
    onLog: verbose ? (line) => console.log(`[code-server] ${line}`) : undefined,
  });
  const url = workbenchUrl({ baseUrl: server.baseUrl, workspace, extensionDevelopmentPath: REPO_ROOT });

  console.log("");
  say(`VS Code ${VSCODE_VERSION} (code-server) is running, workspace: ${workspace}`);
  say("that folder is a copy of examples/: edit and save freely, the repo's files do not change");
  if (added.length) say(`copied there: ${added.join(", ")}`);
  if (refreshed.length) say(`updated from examples/: ${refreshed.join(", ")}`);
  if (kept.length) say(`kept as you edited them: ${kept.join(", ")} (delete one to get the version in examples/ back)`);
  say("the extension is loaded in development mode from this repo. Open this URL in a browser:");
  console.log("");
  console.log(`    ${url}`);
  console.log("");
  say(`(${server.baseUrl}/ alone opens the same folder WITHOUT the extension; reload the page after \`npm run build\` to pick up changes)`);
  say("Ctrl-C to stop.");

  let stopping = false;
  const stop = async (signal) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: stopping code-server ...`);
    await server.stop();
    say("stopped.");
    process.exit(0);
  };
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(sig, () => stop(sig));

  const { code, signal } = await server.exited;
  if (!stopping) {
    console.error(`[start] code-server ended by itself (code ${code}, signal ${signal}); its last output:`);
    console.error(server.logs.slice(-40).join("\n"));
    await server.stop();
    process.exit(1);
  }
}

main().catch((e) => {
  console.error(`[start] ${e?.stack ?? e}`);
  process.exit(1);
});

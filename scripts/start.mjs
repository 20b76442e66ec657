#!/usr/bin/env node
// `npm start` (after `npm run build`): a real VS Code (code-server 4.100.3 = VS Code 1.100.3) in the
// browser, with the repo's examples/ folder open and this extension loaded in development mode
// from the repo (dist/ as built), on http://127.0.0.1:$PORT (default 8080; another free port if taken).
// Installs the test VS Code into .vscode-test/ first if it is not there. Ctrl-C stops it.
//
//   node scripts/start.mjs [--verbose]      (--verbose: also print code-server's own output)
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { ensureVsCode, REPO_ROOT, VSCODE_VERSION } from "./install-vscode.mjs";
import { freePort, portInUse, startCodeServer, workbenchUrl } from "./codeServer.mjs";

const verbose = process.argv.includes("--verbose");
const say = (s) => console.log(`[start] ${s}`);

async function main() {
  try {
    ensureVsCode();
  } catch (e) {
    console.error(`[start] installing the test VS Code failed: ${e.message}`);
    process.exit(1);
  }

  const workspace = join(REPO_ROOT, "examples"); // the real folder, not a copy: edits stay
  mkdirSync(workspace, { recursive: true });
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
    // examples/ is the project's own folder: no "do you trust the authors" prompt, the extension
    // runs with full rights (tests cover restricted mode with trust: false)
    trust: true,
    port,
    startTimeoutMs: 90000,
    onLog: verbose ? (line) => console.log(`[code-server] ${line}`) : undefined,
  });
  const url = workbenchUrl({ baseUrl: server.baseUrl, workspace, extensionDevelopmentPath: REPO_ROOT });

  console.log("");
  say(`VS Code ${VSCODE_VERSION} (code-server) is running, workspace: ${workspace}`);
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

#!/usr/bin/env node
// Runs a mocha entry inside a real VS Code extension host (code-server 4.100.3 = VS Code 1.100.3,
// installed by scripts/install-vscode.mjs), the way @vscode/test-electron does with the desktop
// build, which cannot be downloaded here.
//
//   node test/harness/runInVsCode.mjs --tests /abs/out/test/integration/index.js --workspace test/fixtures/ws \
//     [--untrusted] [--timeout 300] [--extension-development-path DIR] [--settings settings.json] [--verbose]
//
// --tests          compiled mocha entry (.js) exporting run(): Promise<void>
// --workspace      folder copied to a temp dir (tests may write freely), opened as the workspace
// --untrusted      keep workspace trust on: the folder opens in restricted mode
// --timeout        seconds for the whole run (default 300); past it, exit code 124
// --extension-development-path  extension folder (default: the repo root)
// --settings       a JSON file of user settings for this run
// --install-vsix   a .vsix installed into the fresh extensions folder first, as a user installs it
//                  (pair it with an --extension-development-path that is not the extension itself)
// --verbose        also print code-server's output and the browser console
// --keep           keep the temp workspace copy even when the run passes
//
// The extension host's console goes to stdout; the exit code is run()'s (0 = it resolved).
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { format, inspect, parseArgs } from "node:util";
import { launchChromium, startCodeServer, workbenchUrl } from "../../scripts/codeServer.mjs";
import { ensureVsCode, isInstalled } from "../../scripts/install-vscode.mjs";

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const t0 = Date.now();
const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
const say = (s) => console.log(`[runInVsCode] ${s}`);

function usage(msg) {
  console.error(
    `[runInVsCode] ${msg}\nusage: node test/harness/runInVsCode.mjs --tests <abs path to mocha entry .js> --workspace <dir> [--untrusted] [--timeout 300] [--extension-development-path <dir>] [--settings <file.json>] [--install-vsix <file.vsix>] [--verbose] [--keep]`,
  );
  process.exit(2);
}

let opts;
try {
  opts = parseArgs({
    options: {
      tests: { type: "string" },
      workspace: { type: "string" },
      untrusted: { type: "boolean", default: false },
      timeout: { type: "string", default: "300" },
      "extension-development-path": { type: "string" },
      settings: { type: "string" },
      "install-vsix": { type: "string" },
      verbose: { type: "boolean", default: false },
      keep: { type: "boolean", default: false },
    },
    strict: true,
  }).values;
} catch (e) {
  usage(e.message);
}
if (!opts.tests) usage("--tests is required");
if (!opts.workspace) usage("--workspace is required");
const testsPath = resolve(opts.tests);
if (!existsSync(testsPath)) usage(`no tests entry at ${testsPath} (build first?)`);
const workspaceSrc = resolve(opts.workspace);
if (!existsSync(workspaceSrc) || !statSync(workspaceSrc).isDirectory()) usage(`no workspace folder at ${workspaceSrc}`);
const extensionDevelopmentPath = resolve(opts["extension-development-path"] ?? REPO_ROOT);
if (!existsSync(join(extensionDevelopmentPath, "package.json"))) usage(`no extension (package.json) at ${extensionDevelopmentPath}`);
const timeoutSec = Number(opts.timeout);
if (!(timeoutSec > 0)) usage(`bad --timeout ${opts.timeout}`);
const settings = opts.settings ? JSON.parse(readFileSync(resolve(opts.settings), "utf8")) : undefined;

if (!isInstalled()) {
  try {
    ensureVsCode(); // first run on this machine (CI runs scripts/install-vscode.mjs beforehand)
  } catch (e) {
    console.error(`[runInVsCode] installing the test VS Code failed: ${e.message}`);
    process.exit(1);
  }
}

// a private copy of the workspace, named like the original
const wsRoot = mkdtempSync(join(tmpdir(), "vscode-test-ws-"));
const workspace = join(wsRoot, basename(workspaceSrc));
mkdirSync(workspace);
cpSync(workspaceSrc, workspace, { recursive: true });
say(`workspace copy: ${workspace}`);

let server;
let browser;
const serverLog = [];
const browserLog = [];
let passing = null;
let failing = null;
let pending = null;

// The workbench's own log lines arrive through codeAutomationLog too, mixed with the extension
// host's console; these few startup messages of its are dropped unless --verbose.
const WORKBENCH_NOISE = [
  /^Resolving connection token /,
  /^Resolved connection token /,
  /^Creating a socket \(renderer-/,
  /^\[Service Worker\] /,
  /additional builtin extensions/,
  /^ChatSessionStore: /,
];

function printHostLine(type, args) {
  args = Array.isArray(args) ? args : [args];
  if (!opts.verbose && args.length === 1 && typeof args[0] === "string" && WORKBENCH_NOISE.some((re) => re.test(args[0]))) return;
  const text =
    typeof args[0] === "string"
      ? format(...args) // console.log("%s passing", n) style
      : args.map((a) => (typeof a === "string" ? a : inspect(a, { depth: 4, breakLength: 160 }))).join(" ");
  // mocha's summary lines, for our closing line
  for (const line of text.split("\n")) {
    let m;
    if ((m = /^\s*(\d+) passing\b/.exec(line))) passing = Number(m[1]);
    else if ((m = /^\s*(\d+) failing\b/.exec(line))) failing = Number(m[1]);
    else if ((m = /^\s*(\d+) pending\b/.exec(line))) pending = Number(m[1]);
  }
  // all to stdout, errors too: one stream keeps the order of the lines
  process.stdout.write(text.endsWith("\n") ? text : text + "\n");
}

async function cleanup() {
  await browser?.close().catch(() => {});
  browser = undefined;
  await server?.stop().catch(() => {});
  server = undefined;
}

let finishing = false;
async function finish(code, message) {
  if (finishing) return;
  finishing = true;
  if (message) (code === 0 ? console.log : console.error)(`[runInVsCode] ${message}`);
  await cleanup();
  if (code === 0 && !opts.keep) rmSync(wsRoot, { recursive: true, force: true });
  else say(`workspace copy kept: ${workspace}`);
  say(`exit ${code} after ${elapsed()}`);
  if (passing !== null || failing !== null) {
    // last line, in the plain "N passed, N failed" form CI summaries read
    console.log(`vscode: ${passing ?? 0} passed, ${failing ?? 0} failed${pending ? `, ${pending} skipped` : ""}`);
  }
  process.exit(code);
}

for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(sig, () => finish(130, `interrupted (${sig})`));
}

function dumpDiagnostics() {
  if (opts.verbose) return; // already printed as it came
  if (serverLog.length) console.error(`--- last code-server output ---\n${serverLog.slice(-40).join("\n")}`);
  if (browserLog.length) console.error(`--- last browser console lines ---\n${browserLog.slice(-40).join("\n")}`);
}

const timer = setTimeout(async () => {
  dumpDiagnostics();
  try {
    const page = browser?.contexts()[0]?.pages()[0];
    if (page) {
      mkdirSync(join(REPO_ROOT, "test-results"), { recursive: true });
      const shot = join(REPO_ROOT, "test-results", "runInVsCode-timeout.png");
      await page.screenshot({ path: shot, timeout: 5000 });
      console.error(`[runInVsCode] screenshot of the workbench: ${shot}`);
    }
  } catch {}
  finish(124, `TIMEOUT: the tests did not finish within ${timeoutSec} s (--timeout); no exit code came from the extension host`);
}, timeoutSec * 1000);
timer.unref?.();

try {
  server = await startCodeServer({
    workspace,
    trust: !opts.untrusted,
    settings,
    install: opts["install-vsix"] ? [resolve(opts["install-vsix"])] : [],
    onLog: (line) => {
      serverLog.push(line);
      if (opts.verbose) console.log(`[code-server] ${line}`);
    },
  });
  say(
    `code-server (VS Code 1.100.3) on ${server.baseUrl} after ${elapsed()}${opts.untrusted ? " (workspace trust ON: restricted mode)" : ""}`,
  );

  const url = workbenchUrl({ baseUrl: server.baseUrl, workspace, extensionDevelopmentPath, extensionTestsPath: testsPath });
  if (opts.verbose) say(`workbench: ${url}`);

  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  let resolveExit;
  const exitCode = new Promise((r) => (resolveExit = r));
  await page.exposeFunction("codeAutomationLog", (type, args) => printHostLine(type, args));
  await page.exposeFunction("codeAutomationExit", (code) => resolveExit(Number(code)));
  page.on("console", (msg) => {
    const line = `[browser ${msg.type()}] ${msg.text()}`;
    browserLog.push(line);
    if (browserLog.length > 2000) browserLog.shift();
    if (opts.verbose) console.log(line);
  });
  page.on("pageerror", (err) => {
    const line = `[browser pageerror] ${err.message}`;
    browserLog.push(line);
    if (opts.verbose) console.log(line);
  });
  page.on("crash", () => finish(1, "the workbench page crashed"));

  say(`opening the workbench in Chromium; tests: ${testsPath}`);
  await page.goto(url, { waitUntil: "domcontentloaded", timeout: 60000 });
  const code = await exitCode;
  clearTimeout(timer);
  if (code !== 0 && passing === null && failing === null) dumpDiagnostics(); // no mocha summary: show why
  await finish(code, code === 0 ? "PASSED (extension host exit code 0)" : `FAILED (extension host exit code ${code})`);
} catch (e) {
  dumpDiagnostics();
  await finish(1, `ERROR: ${e?.stack ?? e}`);
}

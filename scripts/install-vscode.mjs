#!/usr/bin/env node
// Installs the VS Code used by the tests and by `npm start`: code-server (VS Code's own workbench
// and Node extension host, shipped on the npm registry) into .vscode-test/code-server.
//
// Why not @vscode/test-electron: it downloads VS Code from Microsoft's update server, which the
// build machines cannot reach. code-server comes from the npm registry.
//
// This is code-server's postinstall.sh done by hand, minus what loading and testing an extension
// does not need (kerberos, the Windows-only modules, the ripgrep download from GitHub):
//   1. npm install --ignore-scripts code-server@VERSION, then rebuild argon2 (code-server's own native module)
//   2. in lib/vscode: npm install --omit=dev --ignore-scripts, rebuild VS Code's native modules
//   3. node_modules.asar -> node_modules, the remote-cli / helpers links
//   4. in lib/vscode/extensions: the built-in extensions' deps (typescript, for the TS server)
//   5. link Debian's rg (if installed) where @vscode/ripgrep looks for it, for workspace search
//   6. load every native module once, then write the marker file.
// Idempotent: skips everything when the marker names this version (and this Node major: the
// native modules are built for it). An unfinished install is wiped and redone.
//
// Usage: node scripts/install-vscode.mjs [--force]
// Import: import { ensureVsCode, codeServerEntry } from "./install-vscode.mjs"
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, lstatSync, writeFileSync, readlinkSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const CODE_SERVER_VERSION = "4.100.3"; // = VS Code 1.100.3, needs Node 20
export const VSCODE_VERSION = "1.100.3";
const REQUIRED_NODE_MAJOR = 20;

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const INSTALL_DIR = join(REPO_ROOT, ".vscode-test", "code-server");
export const codeServerEntry = join(INSTALL_DIR, "node_modules", "code-server", "out", "node", "entry.js");
const VSCODE_DIR = join(INSTALL_DIR, "node_modules", "code-server", "lib", "vscode");
const MARKER = join(INSTALL_DIR, ".installed");
const LOG = join(REPO_ROOT, ".vscode-test", "install-code-server.log");

// VS Code's native modules that the server and the extension host load (postinstall.sh builds
// these through `npm install`; kerberos and the windows-* ones are left out on purpose).
const NATIVE_MODULES = ["native-watchdog", "node-pty", "@parcel/watcher", "@vscode/spdlog", "@vscode/deviceid"];

const NPM = process.platform === "win32" ? "npm.cmd" : "npm";
const nodeMajor = Number(process.versions.node.split(".")[0]);
const markerText = `code-server@${CODE_SERVER_VERSION} node${nodeMajor}\n`;

/** true when the marker says a complete install of this version for this Node major is there */
export function isInstalled() {
  return existsSync(MARKER) && readFileSync(MARKER, "utf8") === markerText && existsSync(codeServerEntry);
}

function npmEnv() {
  const env = { ...process.env };
  // when started from `npm run`, npm exports its own settings (prefix, local_prefix, ...) as
  // npm_config_*; they would point the nested installs back at the repo, so drop them all
  // except the ones that say where the registry, the cache and the Node headers are.
  for (const k of Object.keys(env)) {
    if (
      /^npm_(config|package|lifecycle)_/i.test(k) &&
      !/^npm_config_(registry|cafile|strict_ssl|proxy|https_proxy|noproxy|cache|userconfig|globalconfig|node_gyp|nodedir)$/i.test(k)
    )
      delete env[k];
  }
  Object.assign(env, {
    npm_config_yes: "true", // a nested npx would otherwise ask (the user .npmrc here sets yes=false)
    npm_config_audit: "false",
    npm_config_fund: "false",
    npm_config_update_notifier: "false",
    npm_config_loglevel: "warn",
    npm_config_progress: "false",
  });
  // node-gyp must build against the local Node headers: it cannot download them here.
  const localHeaders = resolve(dirname(process.execPath), "..");
  if (existsSync(join(localHeaders, "include", "node", "node.h"))) env.npm_config_nodedir = localHeaders;
  return env;
}

function log(line) {
  appendFileSync(LOG, line + "\n");
}

/** runs a command, its output to the log file; on failure prints the log's tail and throws */
function run(cmd, args, cwd, env) {
  log(`\n$ (cd ${cwd} && ${cmd} ${args.join(" ")})`);
  const r = spawnSync(cmd, args, { cwd, env, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  log((r.stdout ?? "") + (r.stderr ?? ""));
  if (r.error || r.status !== 0) {
    const tail = readFileSync(LOG, "utf8").split("\n").slice(-40).join("\n");
    throw new Error(
      `command failed (${r.error ? r.error.message : `exit ${r.status}`}): ${cmd} ${args.join(" ")}\n  in ${cwd}\n--- last lines of ${LOG} ---\n${tail}`,
    );
  }
}

function link(target, path) {
  try {
    lstatSync(path);
    rmSync(path, { recursive: true, force: true });
  } catch {}
  symlinkSync(target, path);
}

function which(bin) {
  for (const d of (process.env.PATH ?? "").split(":")) {
    if (d && existsSync(join(d, bin))) return join(d, bin);
  }
  return null;
}

/** links Debian's rg where @vscode/ripgrep expects its downloaded binary (workspace search needs it) */
function linkRipgrep() {
  const rgDir = join(VSCODE_DIR, "node_modules", "@vscode", "ripgrep", "bin");
  const target = join(rgDir, "rg");
  const rg = which("rg");
  if (!rg || !existsSync(dirname(rgDir))) return false;
  try {
    if (readlinkSync(target) === rg) return true;
  } catch {}
  mkdirSync(rgDir, { recursive: true });
  link(rg, target);
  return true;
}

/** loads the native modules once, so a broken build fails here rather than inside a test */
function checkNativeModules() {
  const req = createRequire(join(VSCODE_DIR, "package.json"));
  for (const m of [...NATIVE_MODULES]) {
    try {
      req(m);
    } catch (e) {
      throw new Error(`native module ${m} does not load: ${e.message}`, { cause: e });
    }
  }
  createRequire(join(INSTALL_DIR, "node_modules", "code-server", "package.json"))("argon2");
  const tsserver = join(VSCODE_DIR, "extensions", "node_modules", "typescript", "lib", "tsserver.js");
  if (!existsSync(tsserver)) throw new Error(`the built-in TypeScript server is missing: ${tsserver}`);
}

/**
 * Installs code-server unless the marker says it is there. Returns { installed: bool, seconds }.
 * Throws on any failure.
 */
export function ensureVsCode({ force = false, quiet = false } = {}) {
  const say = (s) => quiet || console.log(`[install-vscode] ${s}`);
  const t0 = Date.now();
  if (!force && isInstalled()) {
    linkRipgrep(); // cheap; picks up an rg installed after the first install
    say(`code-server ${CODE_SERVER_VERSION} (VS Code ${VSCODE_VERSION}) already installed in ${INSTALL_DIR}`);
    return { installed: false, seconds: 0 };
  }
  if (nodeMajor !== REQUIRED_NODE_MAJOR && !process.env.FORCE_NODE_VERSION) {
    throw new Error(
      `code-server ${CODE_SERVER_VERSION} needs Node ${REQUIRED_NODE_MAJOR}; this is Node ${process.versions.node} (set FORCE_NODE_VERSION to override)`,
    );
  }
  const env = npmEnv();
  const step = (name, fn) => {
    const s = Date.now();
    say(`${name} ...`);
    fn();
    say(`  done in ${((Date.now() - s) / 1000).toFixed(1)} s`);
  };

  rmSync(INSTALL_DIR, { recursive: true, force: true }); // partial or other version: start over
  mkdirSync(INSTALL_DIR, { recursive: true });
  writeFileSync(LOG, `install of code-server@${CODE_SERVER_VERSION} started ${new Date().toISOString()}\n`);
  // a package.json of its own, so npm never walks up to the repo's
  writeFileSync(join(INSTALL_DIR, "package.json"), JSON.stringify({ name: "vscode-test-code-server", private: true }, null, 2) + "\n");
  say(`installing code-server ${CODE_SERVER_VERSION} (VS Code ${VSCODE_VERSION}) into ${INSTALL_DIR} (log: ${LOG})`);

  step(`npm install code-server@${CODE_SERVER_VERSION} --ignore-scripts`, () =>
    run(
      NPM,
      [
        "install",
        "--prefix",
        INSTALL_DIR,
        "--ignore-scripts",
        "--no-audit",
        "--no-fund",
        "--no-save",
        `code-server@${CODE_SERVER_VERSION}`,
      ],
      INSTALL_DIR,
      env,
    ),
  );
  step("rebuild argon2", () => run(NPM, ["rebuild", "--prefix", INSTALL_DIR, "argon2"], INSTALL_DIR, env));
  step("install VS Code's dependencies (--omit=dev --ignore-scripts)", () =>
    run(NPM, ["install", "--prefix", VSCODE_DIR, "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund"], VSCODE_DIR, env),
  );
  step(`rebuild native modules: ${NATIVE_MODULES.join(" ")}`, () =>
    run(NPM, ["rebuild", "--prefix", VSCODE_DIR, ...NATIVE_MODULES], VSCODE_DIR, env),
  );
  step("links (node_modules.asar, remote-cli, helpers)", () => {
    link("node_modules", join(VSCODE_DIR, "node_modules.asar"));
    link("code-linux.sh", join(VSCODE_DIR, "bin", "remote-cli", "code-server"));
    link("browser-linux.sh", join(VSCODE_DIR, "bin", "helpers", "browser.sh"));
  });
  const extDir = join(VSCODE_DIR, "extensions");
  step("install built-in extensions' dependencies (TypeScript server)", () => {
    run(NPM, ["install", "--prefix", extDir, "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund"], extDir, env);
    run(process.execPath, ["./postinstall.mjs"], extDir, env); // trims typescript as VS Code ships it
  });
  say(linkRipgrep() ? "linked rg for workspace search" : "no rg on PATH: workspace search will not work (apt-get install ripgrep)");
  step("check native modules load", checkNativeModules);
  writeFileSync(MARKER, markerText);
  const seconds = (Date.now() - t0) / 1000;
  say(`installed in ${seconds.toFixed(1)} s`);
  return { installed: true, seconds };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    ensureVsCode({ force: process.argv.includes("--force") });
  } catch (e) {
    console.error(`[install-vscode] FAILED: ${e.message}`);
    process.exit(1);
  }
}

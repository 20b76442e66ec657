// Starts the test VS Code (code-server, installed by scripts/install-vscode.mjs) on loopback, builds
// the workbench URL that loads an extension in development mode (and optionally runs its mocha
// entry in the extension host), and launches Debian's Chromium through playwright-core.
//
//   const server = await startCodeServer({ workspace, trust: true, settings: { "editor.fontSize": 14 } });
//   const url = workbenchUrl({ baseUrl: server.baseUrl, workspace, extensionDevelopmentPath, extensionTestsPath });
//   const browser = await launchChromium();
//   ...
//   await browser.close(); await server.stop();
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { codeServerEntry, isInstalled } from "./install-vscode.mjs";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
// As root, in a sandbox with no network but loopback: no sandbox, no GPU, nothing that phones home
// (without the background-networking flags Chromium's many refused connections slow it down).
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

// Settings every run gets (a test's own `settings` win): no welcome page, no update or telemetry
// chatter, nothing that pops up over the editor.
const DEFAULT_SETTINGS = {
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "git.openRepositoryInParentFolders": "never",
};

/** a TCP port free on 127.0.0.1 right now */
export function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", rej);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

/** true when something accepts connections on 127.0.0.1:port */
export function portInUse(port) {
  return new Promise((res) => {
    const srv = createServer();
    srv.once("error", () => res(true));
    srv.listen(port, "127.0.0.1", () => srv.close(() => res(false)));
  });
}

function httpStatus(url, timeoutMs = 2000) {
  return new Promise((res) => {
    const req = request(url, { method: "GET", timeout: timeoutMs }, (r) => {
      r.resume();
      res(r.statusCode);
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => res(0));
    req.end();
  });
}

/** pids of every process below pid (read from /proc), deepest first */
function descendants(pid) {
  let entries;
  try {
    entries = readdirSync("/proc").filter((d) => /^\d+$/.test(d));
  } catch {
    return [];
  }
  const children = new Map();
  for (const d of entries) {
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(d));
    } catch {}
  }
  const out = [];
  const walk = (p) => {
    for (const c of children.get(p) ?? []) {
      walk(c);
      out.push(c);
    }
  };
  walk(pid);
  return out;
}

/**
 * Signals the process group of `pid` (code-server is its leader) and `pids` (its descendants, taken
 * while it was alive: they include any that left the group, e.g. setsid'd terminal shells).
 */
function killTree(pid, signal, pids = descendants(pid)) {
  try {
    process.kill(-pid, signal);
  } catch {}
  for (const p of [...pids, pid]) {
    try {
      process.kill(p, signal);
    } catch {}
  }
  return pids;
}

/**
 * Starts code-server on 127.0.0.1 with a fresh user-data-dir and extensions-dir.
 * @param {object} o
 * @param {string} o.workspace folder to open (absolute or relative to cwd)
 * @param {boolean} [o.trust=true] pass --disable-workspace-trust (false: the workspace starts untrusted / restricted)
 * @param {number} [o.port] port to bind; default a free one
 * @param {object} [o.settings] user settings, written to <user-data-dir>/User/settings.json (merged over defaults)
 * @param {string[]} [o.extraArgs] more code-server flags
 * @param {(line: string) => void} [o.onLog] called with each output line of code-server
 * @param {number} [o.startTimeoutMs=60000]
 * @param {boolean} [o.keepTemp=false] leave the temp dirs behind on stop (for debugging)
 * @param {string[]} [o.install] .vsix files to install into the fresh extensions-dir first (as a user would)
 * @param {boolean} [o.gallery=false] let the workbench query the extension gallery (open-vsx); off by
 *   default: the machines have no network, and the failed look-ups only add errors to the log
 * @returns {Promise<{ port: number, baseUrl: string, userDataDir: string, extensionsDir: string, pid: number,
 *   logs: string[], stop: () => Promise<void>, exited: Promise<{ code: number|null, signal: string|null }> }>}
 *   logs: code-server's output lines (the last 5000); exited: settles when code-server ends
 */
export async function startCodeServer({
  workspace,
  trust = true,
  port,
  settings,
  extraArgs = [],
  onLog,
  startTimeoutMs = 60000,
  keepTemp = false,
  gallery = false,
  install = [],
} = {}) {
  if (!workspace) throw new Error("startCodeServer: workspace is required");
  if (!isInstalled() || !existsSync(codeServerEntry)) {
    throw new Error("the test VS Code is not installed: run `node scripts/install-vscode.mjs` first");
  }
  workspace = resolve(workspace);
  const tmp = mkdtempSync(join(tmpdir(), "vscode-code-server-"));
  const userDataDir = join(tmp, "user-data");
  const extensionsDir = join(tmp, "extensions");
  mkdirSync(join(userDataDir, "User"), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(join(userDataDir, "User", "settings.json"), JSON.stringify({ ...DEFAULT_SETTINGS, ...settings }, null, 2));
  for (const vsix of install) {
    const r = spawnSync(
      process.execPath,
      [codeServerEntry, "--user-data-dir", userDataDir, "--extensions-dir", extensionsDir, "--install-extension", resolve(vsix)],
      { encoding: "utf8", timeout: 120000 },
    );
    if (r.status !== 0) throw new Error(`installing ${vsix} failed (exit ${r.status}): ${(r.stderr || r.stdout || "").trim().slice(-800)}`);
    onLog?.(`installed ${vsix}: ${(r.stdout || "").trim().split("\n").pop()}`);
  }
  // a config file of our own: otherwise code-server writes ~/.config/code-server/config.yaml
  const configFile = join(tmp, "config.yaml");
  writeFileSync(configFile, "auth: none\ncert: false\n");

  const env = { ...process.env };
  // VS Code's servers and the built-in extensions leave sockets in the temp dir (vscode-ipc-*.sock,
  // vscode-git-*.sock, ...): give them one of ours, removed on stop (if short enough for a socket path)
  const privateTmp = join(tmp, "tmp");
  if (privateTmp.length < 48) {
    mkdirSync(privateTmp);
    env.TMPDIR = privateTmp;
  }
  // started from inside a VS Code terminal, these would make code-server talk to that VS Code
  for (const k of Object.keys(env)) if (/^VSCODE_/.test(k) && k !== "VSCODE_LOG_LEVEL") delete env[k];
  delete env.ELECTRON_RUN_AS_NODE;
  // code-server lets $PORT and $CODE_SERVER_HOST override --bind-addr: never let them
  delete env.PORT;
  delete env.CODE_SERVER_HOST;
  if (!gallery && env.EXTENSIONS_GALLERY === undefined) env.EXTENSIONS_GALLERY = JSON.stringify({ serviceUrl: "" });

  const logs = [];
  const maxAttempts = port ? 1 : 3;
  for (let attempt = 1; ; attempt++) {
    const p = port ?? (await freePort());
    const args = [
      codeServerEntry,
      "--config",
      configFile,
      "--auth",
      "none",
      "--bind-addr",
      `127.0.0.1:${p}`,
      "--disable-telemetry",
      "--disable-update-check",
      "--disable-getting-started-override",
      "--user-data-dir",
      userDataDir,
      "--extensions-dir",
      extensionsDir,
      ...(trust ? ["--disable-workspace-trust"] : []),
      ...extraArgs,
      workspace,
    ];
    const child = spawn(process.execPath, args, { cwd: workspace, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let exited = null;
    const exitPromise = new Promise((res) => child.on("exit", (code, signal) => res((exited = { code, signal }))));
    for (const stream of [child.stdout, child.stderr]) {
      let buf = "";
      stream.setEncoding("utf8");
      stream.on("data", (d) => {
        buf += d;
        let i;
        while ((i = buf.indexOf("\n")) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          logs.push(line);
          if (logs.length > 5000) logs.splice(0, logs.length - 5000);
          onLog?.(line);
        }
      });
    }
    const killOnExit = () => exited || killTree(child.pid, "SIGKILL");
    process.on("exit", killOnExit);

    const baseUrl = `http://127.0.0.1:${p}`;
    const deadline = Date.now() + startTimeoutMs;
    let ready = false;
    while (!exited && Date.now() < deadline) {
      // ours, not another server already on that port: code-server says where it listens
      const listening = logs.some((l) => l.includes(`listening on ${baseUrl}/`));
      if (listening && (await httpStatus(`${baseUrl}/healthz`)) === 200) {
        ready = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }

    let stopped = false;
    const stop = async ({ removeTemp = !keepTemp } = {}) => {
      if (stopped) return;
      stopped = true;
      if (!exited) {
        const tree = killTree(child.pid, "SIGTERM");
        const t = setTimeout(() => killTree(child.pid, "SIGKILL", tree), 5000);
        await exitPromise;
        clearTimeout(t);
        killTree(child.pid, "SIGKILL", tree); // stragglers that outlived the leader
      }
      process.off("exit", killOnExit);
      if (removeTemp) rmSync(tmp, { recursive: true, force: true });
    };

    if (ready) return { port: p, baseUrl, userDataDir, extensionsDir, pid: child.pid, logs, stop: () => stop(), exited: exitPromise };

    const addrInUse = logs.some((l) => l.includes("EADDRINUSE"));
    if (exited && addrInUse && attempt < maxAttempts) {
      await stop({ removeTemp: false }).catch(() => {});
      continue; // somebody took the port between freePort() and the bind: try another
    }
    await stop({ removeTemp: false }); // keep the user-data-dir (logs) for a look
    const why = exited
      ? `exited (code ${exited.code}, signal ${exited.signal})`
      : `did not answer ${baseUrl}/healthz within ${startTimeoutMs / 1000} s`;
    throw new Error(`code-server ${why}\n--- code-server output ---\n${logs.slice(-60).join("\n")}\n--- temp dir kept: ${tmp}`);
  }
}

function remoteUri(authority, absPath) {
  const p = resolve(absPath).split("/").map(encodeURIComponent).join("/");
  return `vscode-remote://${authority}${p}`;
}

/**
 * The workbench URL: opens `workspace` and loads the extension at `extensionDevelopmentPath` in
 * development mode; with `extensionTestsPath`, the extension host requires that module and calls
 * its run(), then reports the exit code to the page's codeAutomationExit().
 * @param {object} o
 * @param {string} o.baseUrl e.g. http://127.0.0.1:8080
 * @param {string} o.workspace absolute folder path on the server
 * @param {string|string[]} [o.extensionDevelopmentPath] absolute path(s) of extension folders
 * @param {string} [o.extensionTestsPath] absolute path of the compiled mocha entry (.js exporting run())
 * @param {number} [o.port] defaults to the one in baseUrl
 */
export function workbenchUrl({ baseUrl, workspace, extensionDevelopmentPath, extensionTestsPath, port }) {
  const u = new URL(baseUrl);
  const authority = `${u.hostname}:${port ?? u.port}`;
  const payload = [];
  for (const p of [extensionDevelopmentPath ?? []].flat()) payload.push(["extensionDevelopmentPath", remoteUri(authority, p)]);
  if (extensionTestsPath) payload.push(["extensionTestsPath", remoteUri(authority, extensionTestsPath)]);
  payload.push(["skipWelcome", "true"]);
  const base = `${u.protocol}//${authority}/`;
  return `${base}?folder=${encodeURIComponent(resolve(workspace))}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

/**
 * Debian's Chromium through playwright-core, headless, with a fresh profile (playwright makes a new
 * temporary user-data-dir for every launch and deletes it on close). Returns the playwright Browser.
 * @param {{ headless?: boolean, args?: string[] }} [o]
 */
export async function launchChromium({ headless = true, args = [] } = {}) {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`no Chromium at ${CHROMIUM_PATH}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }
  const { chromium } = await import("playwright-core");
  const flags = CHROMIUM_ARGS.filter((a) => headless || a !== "--headless");
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless, args: [...flags, ...args] });
}

// the script worker: a child process that bundles and runs one user script with the engine,
// records its backward() calls, and reports back over node's ipc channel.
import * as fs from "node:fs";
import { Worker } from "node:worker_threads";
import { format } from "node:util";
import * as engine from "../engine";
import type { BackwardCall } from "../engine/recorder";
import { buildTrace } from "../engine/trace";
import type { BackwardSummary, ConsoleMessage, FromWorker, RunRequest, RunResult, ScriptError } from "../shared/protocol";
import { installLoader, ScriptSyntaxError, type Loader } from "./loader";
import { errorFromThrown } from "./userStack";
import { LOCATE_LIMIT, makeLocator, type LocatorState } from "./locator";
import { setLocator } from "../engine/origin";

function send(msg: FromWorker): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(msg, undefined, undefined, () => resolve());
  });
}

// the script may call process.exit(): it then ends like a script that ran to its end (below)
const exitProcess: (code: number) => never = process.exit.bind(process);
class ScriptExit extends Error {}

let finished = false;
async function finish(msg: FromWorker): Promise<never> {
  finished = true;
  flushOutput();
  await send(msg);
  return exitProcess(0);
}

// the script's output, batched: one ipc message per line made a million console.log calls take
// minutes. what the script writes is gathered, runs of one level joined, and sent when 64 KB have
// piled up or the script pauses, in the order it was written (console and process.stdout alike)
const FLUSH_CHARS = 64 * 1024;
let pending: ConsoleMessage | undefined;
let flushing: ReturnType<typeof setTimeout> | undefined;

function flushOutput(): void {
  if (flushing) clearTimeout(flushing);
  flushing = undefined;
  if (pending) void send(pending);
  pending = undefined;
}

function output(level: ConsoleMessage["level"], text: string): void {
  if (text === "") return;
  if (pending && pending.level === level) pending.text += text;
  else {
    flushOutput();
    pending = { type: "console", level, text };
  }
  if (pending.text.length >= FLUSH_CHARS) flushOutput();
  // unref'd: pending output never keeps a finished script alive (finish() sends it)
  else if (!flushing) (flushing = setTimeout(flushOutput, 20)).unref();
}

function captureOutput(): void {
  const levels: ConsoleMessage["level"][] = ["log", "info", "warn", "error", "debug"];
  for (const level of levels) console[level] = (...args: unknown[]) => output(level, format(...args) + "\n");
  const writer = (level: ConsoleMessage["level"]) =>
    ((chunk: string | Uint8Array, encoding?: BufferEncoding | ((e?: Error) => void), cb?: (e?: Error) => void) => {
      output(level, typeof chunk === "string" ? chunk : Buffer.from(chunk).toString(typeof encoding === "string" ? encoding : "utf8"));
      (typeof encoding === "function" ? encoding : cb)?.();
      return true;
    }) as typeof process.stdout.write;
  process.stdout.write = writer("log");
  process.stderr.write = writer("error");
}

/** the call's trace, or a note that it is too big to send whole */
function drawable(call: BackwardCall, maxNodes: number): Pick<RunResult, "trace" | "tooBig"> {
  const nodeCount = call.order.length;
  return nodeCount > maxNodes ? { tooBig: { nodeCount, maxNodes } } : { trace: buildTrace(call) };
}

/** what the script threw (or failed to parse or import with), at the user's own line */
function scriptError(thrown: unknown, loader: Loader, entry: string): ScriptError {
  if (thrown instanceof ScriptSyntaxError) return { kind: "syntax", message: thrown.message, pos: thrown.pos };
  const pos = loader.syntaxPos(thrown);
  if (pos) return { kind: "syntax", message: (thrown as Error).message, pos };
  const error = errorFromThrown(thrown, [...loader.files], entry);
  const missing = (thrown as { code?: string }).code === "MODULE_NOT_FOUND" && /^Cannot find module '([^']+)'/.exec((thrown as Error).message);
  if (!missing || !error.stack?.length) return error;
  // the import of a file that is not there: point at its name in the import line
  const at = error.stack[0];
  const text = lineOf(at.file, at.line);
  const column = Math.max(text.indexOf(`"${missing[1]}"`), text.indexOf(`'${missing[1]}'`));
  return {
    kind: "import",
    message: `Could not resolve "${missing[1]}"`,
    pos: { ...at, column: column >= 0 ? column + 1 : at.column },
    stack: error.stack,
    hint: /^[./]/.test(missing[1])
      ? "Check the path: it is relative to the file that imports it."
      : 'Only "backprop-stepper", node\'s built-ins and packages installed next to the script can be imported; files next to the script need a relative path such as "./data".',
  };
}

function lineOf(file: string, line: number): string {
  try {
    return fs.readFileSync(file, "utf8").split("\n")[line - 1] ?? "";
  } catch {
    return "";
  }
}

async function run(req: RunRequest): Promise<void> {
  const started = performance.now();
  const loader = installLoader(engine, req.file);

  // every backward() call is summarised; one recorded call is kept whole to draw: the one asked
  // for, else the latest. a recorded call holds the numbers of its moment, so a later optimizer
  // step or zeroGrad does not change it. memory: one call's graph, plus a few numbers per call.
  const calls: BackwardSummary[] = [];
  let last: BackwardCall | undefined;
  engine.setBackwardListener((call: BackwardCall) => {
    // call.steps would build every call's step objects: whether it was recorded is enough here
    const recorded = call.gradAfter !== null;
    calls.push({ index: call.index, loss: call.root.data, nodeCount: call.order.length, accumulated: call.accumulated, recorded });
    if (recorded && (req.captureCall === undefined || call.index === req.captureCall)) last = call;
  });

  const fail = (thrown: unknown) => {
    if (finished) return;
    if (thrown instanceof ScriptExit) return done();
    void finish({ type: "failed", error: scriptError(thrown, loader, req.file) });
  };
  process.on("uncaughtException", fail);
  process.on("unhandledRejection", fail);

  // the script is done when its event loop is empty (timers and promises included)
  process.on("beforeExit", () => done());
  function done(): void {
    if (finished) return;
    const result = {
      file: req.file,
      calls,
      elapsedMs: performance.now() - started,
      ...(located && located.asked > LOCATE_LIMIT ? { locatedLimit: LOCATE_LIMIT } : {}),
      ...(last ? drawable(last, req.maxNodes) : {}),
    };
    void finish({ type: "done", result });
  }

  process.setSourceMapsEnabled(true);
  captureOutput();
  process.exit = ((code?: number) => {
    throw new ScriptExit(`process.exit(${code ?? ""})`);
  }) as typeof process.exit;
  // every value the script makes gets its creation line (up to a limit)
  let located: LocatorState | undefined;
  try {
    located = makeLocator(loader.files, req.file);
    setLocator(located.locator);
    require(req.file);
  } catch (e) {
    fail(e);
  }
}

/**
 * a thread that stops this process (and every process the script started, its process group) when
 * the parent is gone or the deadline has passed. a thread of its own, because a script stuck in
 * `while (true) {}` never lets this one's event loop run; unref'd, so it never keeps a run alive.
 */
function watchdog(deadlineMs: number, tmpDir: string): void {
  const code = `
    const { workerData } = require("node:worker_threads");
    const { parent, deadline, tmpDir } = workerData;
    const stop = () => {
      // a parent that died cannot remove the run's folder
      try { require("node:fs").rmSync(tmpDir, { recursive: true, force: true }); } catch {}
      if (process.platform !== "win32") { try { process.kill(-process.pid, "SIGKILL"); } catch {} }
      process.kill(process.pid, "SIGKILL");
    };
    setInterval(() => {
      let gone = process.ppid !== parent;
      try { process.kill(parent, 0); } catch { gone = true; }
      if (gone || Date.now() > deadline) stop();
    }, 200);
  `;
  new Worker(code, { eval: true, workerData: { parent: process.ppid, deadline: Date.now() + deadlineMs, tmpDir } }).unref();
}

process.once("message", (msg: RunRequest) => {
  if (msg.type !== "run") return;
  watchdog(msg.deadlineMs, msg.tmpDir);
  run(msg).catch((e) => {
    const error: ScriptError = { kind: "crash", message: String(e?.stack ?? e) };
    void finish({ type: "failed", error });
  });
});

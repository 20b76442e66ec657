// the script worker: a child process that bundles and runs one user script with the engine,
// records its backward() calls, and reports back over node's ipc channel.
import * as fs from "node:fs";
import * as path from "node:path";
import { Worker } from "node:worker_threads";
import { format } from "node:util";
import * as engine from "../engine";
import type { BackwardCall } from "../engine/recorder";
import { buildTrace } from "../engine/trace";
import type { BackwardSummary, ConsoleMessage, FromWorker, RunRequest, RunResult, ScriptError } from "../shared/protocol";
import { ENGINE_GLOBAL, transpile } from "./transpile";
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

async function run(req: RunRequest): Promise<void> {
  const started = performance.now();
  const outFile = path.join(req.tmpDir, path.basename(req.file).replace(/\.[cm]?[tj]sx?$/, "") + ".js");

  const bundle = await transpile(req.file, outFile);
  if ("kind" in bundle) return finish({ type: "failed", error: bundle });
  fs.writeFileSync(outFile, bundle.code);

  // every backward() call is summarised; one recorded call is kept whole to draw: the one asked
  // for, else the latest. a recorded call holds the numbers of its moment, so a later optimizer
  // step or zeroGrad does not change it. memory: one call's graph, plus a few numbers per call.
  const calls: BackwardSummary[] = [];
  let last: BackwardCall | undefined;
  engine.setBackwardListener((call: BackwardCall) => {
    calls.push({
      index: call.index,
      loss: call.root.data,
      nodeCount: call.order.length,
      accumulated: call.accumulated,
      recorded: call.steps !== null,
    });
    if (call.steps !== null && (req.captureCall === undefined || call.index === req.captureCall)) last = call;
  });

  const fail = (thrown: unknown) => {
    if (finished) return;
    if (thrown instanceof ScriptExit) return done();
    void finish({ type: "failed", error: errorFromThrown(thrown, bundle.inputs, req.file) });
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

  (globalThis as Record<string, unknown>)[ENGINE_GLOBAL] = engine;
  process.setSourceMapsEnabled(true);
  captureOutput();
  process.exit = ((code?: number) => {
    throw new ScriptExit(`process.exit(${code ?? ""})`);
  }) as typeof process.exit;
  // every value the script makes gets its creation line (up to a limit)
  let located: LocatorState | undefined;
  try {
    located = makeLocator(outFile, req.file);
    setLocator(located.locator);
    require(outFile);
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

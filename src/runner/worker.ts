// the script worker: a child process that bundles and runs one user script with the engine,
// records its backward() calls, and reports back over node's ipc channel.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
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
  await send(msg);
  return exitProcess(0);
}

function captureConsole(): void {
  const levels: ConsoleMessage["level"][] = ["log", "info", "warn", "error", "debug"];
  for (const level of levels) {
    console[level] = (...args: unknown[]) => {
      void send({ type: "console", level, text: format(...args) });
    };
  }
}

/** the call's trace, or a note that it is too big to send whole */
function drawable(call: BackwardCall, maxNodes: number): Pick<RunResult, "trace" | "tooBig"> {
  const nodeCount = call.order.length;
  return nodeCount > maxNodes ? { tooBig: { nodeCount, maxNodes } } : { trace: buildTrace(call) };
}

async function run(req: RunRequest): Promise<void> {
  const started = performance.now();
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), "backprop-stepper-"));
  const outFile = path.join(tmpDir, path.basename(req.file).replace(/\.[cm]?[tj]sx?$/, "") + ".js");
  process.on("exit", () => fs.rmSync(tmpDir, { recursive: true, force: true }));

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
  captureConsole();
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

process.once("message", (msg: RunRequest) => {
  if (msg.type !== "run") return;
  run(msg).catch((e) => {
    const error: ScriptError = { kind: "crash", message: String(e?.stack ?? e) };
    void finish({ type: "failed", error });
  });
});

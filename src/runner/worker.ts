// the script worker: a child process that loads and runs one user script with the engine,
// records its backward() calls, and reports back over node's ipc channel.
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { format } from "node:util";
import { isRecording, releaseCall, setBackwardListener, type BackwardCall } from "../engine/recorder";
import { buildTrace } from "../engine/trace";
import { checkTrace } from "../engine/numericCheck";
import { setLocator } from "../engine/origin";
import type {
  BackwardSummary,
  ConsoleMessage,
  FromWorker,
  RunRequest,
  RunResult,
  ScriptError,
  SourcePos,
  ToWorker,
} from "../shared/protocol";
import { installLoader, ScriptImportError, ScriptSyntaxError, type Loader } from "./loader";
import { errorFromThrown, messageOf, stackOf, userFrames } from "./userStack";
import { ScriptLocator } from "./locator";
import { DRAINING, flush, lastWords, send, stream } from "./outbox";
import { RUN_MARKER } from "./processTree";
import { scriptApi } from "./scriptApi";
import { watchThrows, type ThrowSites } from "./throwSite";
import { TrainingStep } from "./trainingStep";
import { RunState, startWatchdog, type WatchdogTimes } from "./watchdog";
import { now, timingOn, type Times } from "../shared/timing";
import { encodeTrace } from "../shared/traceColumns";
import { transform } from "sucrase";
import { SPARE_ARG } from "./spare";
import { replaySteps } from "../shared/stepReplay";
import { primeEngine } from "../engine/prime";
import { warmForRun } from "./warm";

/** the run's timestamps, for the path bench (shared/timing.ts); undefined unless asked for */
const times: Times | undefined = timingOn() ? { "worker.start": now() } : undefined;

/** the numeric check's budget past the time limit: the host waits only so long for the last words */
const STOPPED_BUDGET_MS = 300;

const exitProcess: (code: number) => never = process.exit.bind(process);

/** where the run is, shared with the watchdog thread */
const state = new Int32Array(new SharedArrayBuffer(4));
/** when the script's own code started (Date.now()), shared with the watchdog thread: 0 before */
const clock = new Float64Array(new SharedArrayBuffer(8));
/** the global the watchdog's question calls, under a name of this run's */
const hookKey = `__backpropStepperStop${randomUUID().replace(/-/g, "")}`;

let finished = false;
/** the run gives its last message: nothing after it is sent */
function markFinished(): void {
  finished = true;
  Atomics.store(state, 0, RunState.answered);
}

async function finish(msg: FromWorker): Promise<never> {
  markFinished();
  flush();
  if (times) Object.assign(times, { "worker.send": now(), "worker.maxRssKB": process.resourceUsage().maxRSS });
  await send(msg);
  return exitProcess(0);
}

function captureOutput(): void {
  const output = (level: ConsoleMessage["level"], text: string) => {
    if (text !== "") stream({ type: "console", level, text });
  };
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

/** the call's trace, with its leaves' numeric check as far as the budget goes, or a note that it is too big to send whole */
function drawable(call: BackwardCall, req: RunRequest, budgetMs: number): Pick<RunResult, "trace" | "tooBig"> {
  const nodeCount = call.order.length;
  if (nodeCount > req.maxNodes) return { tooBig: { nodeCount, maxNodes: req.maxNodes } };
  // its steps are not made: the columns leave them to be worked out again from the nodes (stepReplay.ts)
  const trace = buildTrace(call, { steps: false });
  if (times) times["worker.trace"] = now();
  checkTrace(trace, budgetMs);
  if (times) times["worker.check"] = now();
  return { trace };
}

/** the result with its trace as columns, as it goes to the host (a trace the columns cannot hold goes as it is) */
function packed(result: RunResult): RunResult {
  if (times) times["worker.around"] = now();
  if (!result.trace) return result;
  const columns = encodeTrace(result.trace, { stepsFromNodes: true });
  if (times) times["worker.encoded"] = now();
  // a trace that travels as objects takes its steps along
  if (!columns) return { ...result, trace: { ...result.trace, steps: result.trace.recorded ? replaySteps(result.trace.nodes) : [] } };
  const { trace: _, ...rest } = result;
  return { ...rest, columns };
}

/** `thrown instanceof type`, for a thrown value that may be a proxy whose traps throw */
function isA<T>(thrown: unknown, type: abstract new (...args: never[]) => T): thrown is T {
  try {
    return thrown instanceof type;
  } catch {
    return false;
  }
}

/** what the script threw (or failed to parse or import with), at the user's own line */
function scriptError(thrown: unknown, loader: Loader, throws: ThrowSites, entry: string): ScriptError {
  if (isA(thrown, ScriptSyntaxError)) return { kind: "syntax", message: thrown.message, pos: thrown.pos };
  if (isA(thrown, ScriptImportError)) {
    // the files whose imports led here, below the import itself
    const importers = userFrames(stackOf(thrown), loader.files);
    return { kind: "import", message: thrown.message, pos: thrown.pos, stack: [thrown.pos, ...importers], hint: thrown.hint };
  }
  const pos = isA(thrown, SyntaxError) ? loader.syntaxPos(thrown) : undefined;
  if (pos) return { kind: "syntax", message: messageOf(thrown).replace(/^SyntaxError: /, ""), pos };
  // where the debugger saw the throw: the place of a thrown string, or of an Error whose stack the
  // script reformatted
  const seen = throws
    .last()
    .filter((f) => loader.files.has(f.file))
    .map((f) => loader.original(f.file, f.line, f.column))
    .filter((p): p is SourcePos => p !== undefined);
  const error = errorFromThrown(thrown, [...loader.files], entry, seen);
  const missing =
    isA(thrown, Error) &&
    codeOf(thrown) === "MODULE_NOT_FOUND" &&
    /^Cannot find module '([^']+)'/.exec(messageOf(thrown).replace(/^\w*Error: /, ""));
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

/** an Error's `code`, unless reading it throws */
function codeOf(thrown: Error): unknown {
  try {
    return (thrown as { code?: unknown }).code;
  } catch {
    return undefined;
  }
}

function lineOf(file: string, line: number): string {
  try {
    return fs.readFileSync(file, "utf8").split("\n")[line - 1] ?? "";
  } catch {
    return "";
  }
}

/** node's names for what keeps an event loop running, less those of the worker itself */
function pendingSince(before: readonly string[]): string[] {
  const left = [...before];
  return process.getActiveResourcesInfo().filter((name) => {
    const i = left.indexOf(name);
    if (i < 0) return true;
    left.splice(i, 1);
    return false;
  });
}

/** node's names for a write on its way: the run's own output (a script's own writes come with a handle of theirs) */
const WRITES = new Set(["SimpleWriteWrap", "WriteWrap"]);

/**
 * true when the function that called this one was called from a running script, not from an empty
 * stack: the watchdog's question, asked through the inspector, then interrupted the script's code
 */
function interruptedScript(): boolean {
  const prepare = Error.prepareStackTrace;
  const limit = Error.stackTraceLimit;
  try {
    Error.prepareStackTrace = (_, sites) => sites;
    Error.stackTraceLimit = 3;
    const holder: { stack?: unknown } = {};
    Error.captureStackTrace(holder, interruptedScript);
    // the caller, the inspector's expression, then whatever was running
    return (holder.stack as unknown[]).length > 2;
  } catch {
    return true;
  } finally {
    Error.prepareStackTrace = prepare;
    Error.stackTraceLimit = limit;
  }
}

function run(req: RunRequest & WatchdogTimes): void {
  const started = performance.now();
  const loader = installLoader(scriptApi(), req.file, () => {
    clock[0] = Date.now();
    if (times) times["worker.script"] = now();
  });

  // every backward() call is summarised, and streamed to the host as it happens (a run stopped by
  // its limits still has them); one recorded call is kept whole to draw: the one asked for, else
  // the latest. a recorded call holds the numbers of its moment, so a later optimizer step or
  // zeroGrad does not change it. memory: one call's graph, plus a few numbers per call.
  const calls: BackwardSummary[] = [];
  // what the script tracks per call, and the drawn call's update and decision picture
  const training = new TrainingStep(calls, req.captureCall, (text) => stream({ type: "console", level: "warn", text }));
  let last: BackwardCall | undefined;
  const onCall = (call: BackwardCall) => {
    // whether the script's recording was on for the pass (the listener runs as the pass ends, with
    // no script code between); call.steps would build every call's step objects
    const recorded = isRecording();
    const summary: BackwardSummary = {
      index: call.index,
      loss: call.root.data,
      nodeCount: call.order.length,
      accumulated: call.accumulated,
      recorded,
    };
    const drawn = req.trace && recorded && (req.captureCall === undefined || call.index === req.captureCall);
    training.called(call, summary, drawn);
    calls.push(summary);
    stream({ type: "calls", calls: [summary] });
    // the one call kept to draw: a call replaced (or never drawn) is not read again, and its tape
    // serves the next pass (its update watch was closed as this call's began)
    if (!drawn) releaseCall(call);
    else {
      if (last !== undefined) releaseCall(last);
      last = call;
    }
  };
  // `run` draws no call: its passes are not taped, so a training step's pass allocates nothing per value for the runner
  setBackwardListener(onCall, { tapes: req.trace });

  // every value the script makes gets its creation line (up to a limit), when there is a trace to
  // show it in: `run` asks for none (a loop's first step no longer pays for them, nor v8 for the
  // code it compiled around the locator and threw away when the limit was reached)
  const located = req.trace ? new ScriptLocator(loader.files, req.file) : null;
  if (times) times["worker.locator"] = now();
  const resultNow = (exitCode?: number, budgetMs = req.numericBudgetMs): RunResult => packed(resultOf(exitCode, budgetMs));
  const resultOf = (exitCode?: number, budgetMs = req.numericBudgetMs): RunResult => ({
    ...(times ? { timing: Object.assign(times, { "worker.end": now() }) } : {}),
    file: req.file,
    calls,
    elapsedMs: performance.now() - started,
    ...(located !== null && located.asked > located.limit ? { locatedLimit: located.limit } : {}),
    ...(exitCode ? { exitCode } : {}),
    ...(last ? training.around(last, drawable(last, req, budgetMs)) : {}),
  });

  const fail = (thrown: unknown) => {
    if (finished) return;
    let error: ScriptError;
    try {
      error = scriptError(thrown, loader, throws, req.file);
    } catch {
      // a thrown value that fights every way of reading it: its place is still known
      const seen = throws.last().flatMap((f) => loader.original(f.file, f.line, f.column) ?? []);
      error = {
        kind: "runtime",
        message: "Uncaught (a value that could not be shown)",
        pos: seen[0] ?? { file: req.file, line: 1, column: 1 },
        stack: seen,
      };
    }
    void finish({ type: "failed", error, ...(calls.length ? { result: resultNow() } : {}) });
  };
  process.on("uncaughtException", fail);
  process.on("unhandledRejection", fail);

  // the script is done when its event loop is empty (timers and promises included)
  process.on("beforeExit", () => {
    if (!finished) void finish({ type: "done", result: resultNow(Number(process.exitCode) || undefined) });
  });
  // the script may end itself: the run ends there, with what it has, whatever catches around it
  process.exit = ((code?: number | string | null) => {
    if (!finished) {
      markFinished();
      lastWords(req.tmpDir, { type: "done", result: resultNow(Number(code ?? process.exitCode) || undefined) });
    }
    return exitProcess(0);
  }) as typeof process.exit;

  // the time limit passed. asked by the host, the event loop is free: a script with nothing of its
  // own left to wait on (only its output on the way to the host) has finished; one kept going by a
  // timer or a server is stopped, and says what kept it. a script busy in a loop cannot answer: the
  // watchdog asks through the inspector instead (`busy`), and the last words go to the run's folder
  // (the event loop will not turn again to send them), after which the watchdog stops the process.
  let baseline: string[] = [];
  // the script's top level has run: a stop that comes first (a slow start) finds it unfinished
  let loaded = false;
  const stop = (busy: boolean): "kill" | undefined => {
    if (finished) return undefined;
    // past the limit the host waits only so long: a big graph's check is left to the panel
    const budget = Math.min(req.numericBudgetMs, STOPPED_BUDGET_MS);
    if (busy) {
      markFinished();
      lastWords(req.tmpDir, { type: "stopped", result: resultNow(undefined, budget), pending: [] });
      return "kill";
    }
    const pending = pendingSince(baseline);
    const own = pending.filter((name) => !WRITES.has(name));
    if (own.length > 0 || !loaded) {
      void finish({ type: "stopped", result: resultNow(undefined, budget), pending: own });
      return undefined;
    }
    void finish({ type: "done", result: resultNow(Number(process.exitCode) || undefined) });
    if (pending.length > 0) {
      // the output takes as long as it takes: the host and the watchdog wait for it
      Atomics.store(state, 0, RunState.draining);
      try {
        fs.writeFileSync(path.join(req.tmpDir, DRAINING), "");
      } catch {
        // the folder is gone: the host has given up on this run
      }
    }
    return undefined;
  };
  process.on("message", (msg: ToWorker) => {
    if (msg.type === "stop") stop(false);
  });
  // the watchdog's question
  Object.defineProperty(globalThis, hookKey, {
    value: () => (interruptedScript() ? stop(true) : undefined),
    enumerable: false,
    writable: false,
    configurable: false,
  });
  // listening must not keep the process alive: the script's own event loop decides when it ends
  (process.channel as { unref?: () => void } | undefined)?.unref?.();
  // the channel is the runner's: a script's process.disconnect() leaves it open (the script's end,
  // not the channel's, ends the run; its later output and backward() calls still arrive)
  process.disconnect = () => {};

  process.setSourceMapsEnabled(true);
  captureOutput();
  setLocator(located);
  baseline = process.getActiveResourcesInfo();
  // outside any try: what the script throws is uncaught, so the debugger sees where (throwSite.ts),
  // and the uncaughtException handler above reports it
  process.nextTick(() => {
    if (times) times["worker.require"] = now();
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the user's script, loaded by node (loader.ts)
    require(req.file);
    loaded = true;
  });
}

// the debugger that sees where an uncaught throw happened: enabled once the worker has loaded (a
// spare worker does it before its run is asked for)
const throws = watchThrows();

/** a spare worker waits for its run: the transpiler runs once, so the script's own transpile runs warm */
function warmTranspiler(): void {
  try {
    transform('import { Value } from "backprop-stepper";\nconst a: Value = new Value(2, "a");\nexport const b = a.mul(3);\n', {
      transforms: ["typescript", "imports"],
      filePath: "warm-up.ts",
      disableESTransforms: true,
      sourceMapOptions: { compiledFilename: "warm-up.ts" },
    });
  } catch {
    // a warm-up only
  }
}
// before the script, and before a spare worker waits for one: v8's first compile of the engine's
// hot code then covers the paths a script takes (engine/prime.ts)
primeEngine();
// the argument is the runner's, not the script's: its process.argv is as a fresh worker's
const spareAt = process.argv.indexOf(SPARE_ARG);
// a spare's warm-ups run while it waits, never once its run has begun (they restart the engine's counts)
let runBegun = false;
if (spareAt >= 0) {
  process.argv.splice(spareAt, 1);
  setImmediate(() => {
    if (runBegun) return;
    warmTranspiler();
    void warmForRun(() => runBegun);
  });
}

process.once("message", (msg: ToWorker) => {
  if (msg.type !== "run") return;
  runBegun = true;
  const req = msg as RunRequest & WatchdogTimes;
  if (times) times["worker.run"] = now();
  // a spare worker was forked before its script was known: the script runs in its own folder
  try {
    process.chdir(path.dirname(req.file));
  } catch {
    // a folder that is gone: the script's import fails and says so
  }
  startWatchdog({ ...req, state, clock, hookKey, runId: process.env[RUN_MARKER] ?? "" });
  if (times) times["worker.watchdog"] = now();
  try {
    run(req);
  } catch (e) {
    const error: ScriptError = { kind: "crash", message: String((e as Error)?.stack ?? e) };
    void finish({ type: "failed", error });
  }
});

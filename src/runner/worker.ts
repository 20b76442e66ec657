// the script worker: a child process that loads and runs one user script with the engine,
// records its backward() calls, and reports back over node's ipc channel.
import * as fs from "node:fs";
import { format } from "node:util";
import * as engine from "../engine";
import type { BackwardCall } from "../engine/recorder";
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
import { installLoader, ScriptSyntaxError, type Loader } from "./loader";
import { errorFromThrown } from "./userStack";
import { LOCATE_LIMIT, makeLocator } from "./locator";
import { flush, lastWords, send, stream } from "./outbox";
import { watchThrows, type ThrowSites } from "./throwSite";
import { startWatchdog } from "./watchdog";

const exitProcess: (code: number) => never = process.exit.bind(process);

let finished = false;
async function finish(msg: FromWorker): Promise<never> {
  finished = true;
  flush();
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
function drawable(call: BackwardCall, req: RunRequest): Pick<RunResult, "trace" | "tooBig"> {
  const nodeCount = call.order.length;
  if (nodeCount > req.maxNodes) return { tooBig: { nodeCount, maxNodes: req.maxNodes } };
  const trace = buildTrace(call);
  checkTrace(trace, req.numericBudgetMs);
  return { trace };
}

/** what the script threw (or failed to parse or import with), at the user's own line */
function scriptError(thrown: unknown, loader: Loader, throws: ThrowSites, entry: string): ScriptError {
  if (thrown instanceof ScriptSyntaxError) return { kind: "syntax", message: thrown.message, pos: thrown.pos };
  const pos = loader.syntaxPos(thrown);
  if (pos) return { kind: "syntax", message: (thrown as Error).message, pos };
  // where the debugger saw the throw: the place of a thrown string, or of an Error whose stack the
  // script reformatted
  const seen = throws
    .last()
    .filter((f) => loader.files.has(f.file))
    .map((f) => loader.original(f.file, f.line, f.column))
    .filter((p): p is SourcePos => p !== undefined);
  const error = errorFromThrown(thrown, [...loader.files], entry, seen);
  const missing =
    (thrown as { code?: string } | undefined)?.code === "MODULE_NOT_FOUND" &&
    /^Cannot find module '([^']+)'/.exec((thrown as Error).message);
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

function run(req: RunRequest): void {
  const started = performance.now();
  const throws = watchThrows();
  const loader = installLoader(engine, req.file);

  // every backward() call is summarised, and streamed to the host as it happens (a run stopped by
  // its limits still has them); one recorded call is kept whole to draw: the one asked for, else
  // the latest. a recorded call holds the numbers of its moment, so a later optimizer step or
  // zeroGrad does not change it. memory: one call's graph, plus a few numbers per call.
  const calls: BackwardSummary[] = [];
  let last: BackwardCall | undefined;
  engine.setBackwardListener((call: BackwardCall) => {
    // call.steps would build every call's step objects: whether it was recorded is enough here
    const recorded = call.gradAfter !== null;
    const summary = { index: call.index, loss: call.root.data, nodeCount: call.order.length, accumulated: call.accumulated, recorded };
    calls.push(summary);
    stream({ type: "calls", calls: [summary] });
    if (recorded && (req.captureCall === undefined || call.index === req.captureCall)) last = call;
  });

  // every value the script makes gets its creation line (up to a limit)
  const located = makeLocator(loader.files, req.file);
  const resultNow = (exitCode?: number): RunResult => ({
    file: req.file,
    calls,
    elapsedMs: performance.now() - started,
    ...(located.asked > LOCATE_LIMIT ? { locatedLimit: LOCATE_LIMIT } : {}),
    ...(exitCode ? { exitCode } : {}),
    ...(last ? drawable(last, req) : {}),
  });

  const fail = (thrown: unknown) => {
    if (finished) return;
    const error = scriptError(thrown, loader, throws, req.file);
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
      finished = true;
      lastWords(req.tmpDir, { type: "done", result: resultNow(Number(code ?? process.exitCode) || undefined) });
    }
    return exitProcess(0);
  }) as typeof process.exit;

  // the time limit passed: if the event loop is free (a timer or a server kept the script going),
  // the run's work goes back with what kept it; a script busy in a loop cannot answer
  let baseline: string[] = [];
  process.on("message", (msg: ToWorker) => {
    if (msg.type === "stop" && !finished) void finish({ type: "stopped", result: resultNow(), pending: pendingSince(baseline) });
  });
  // listening must not keep the process alive: the script's own event loop decides when it ends
  (process.channel as { unref?: () => void } | undefined)?.unref?.();

  process.setSourceMapsEnabled(true);
  captureOutput();
  setLocator(located.locator);
  baseline = process.getActiveResourcesInfo();
  // outside any try: what the script throws is uncaught, so the debugger sees where (throwSite.ts),
  // and the uncaughtException handler above reports it
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the user's script, loaded by node (loader.ts)
  process.nextTick(() => require(req.file));
}

process.once("message", (msg: ToWorker) => {
  if (msg.type !== "run") return;
  startWatchdog(msg);
  try {
    run(msg);
  } catch (e) {
    const error: ScriptError = { kind: "crash", message: String((e as Error)?.stack ?? e) };
    void finish({ type: "failed", error });
  }
});

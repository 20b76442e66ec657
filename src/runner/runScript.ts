// runs one user script in its own process, under a time and a memory limit.
// the extension host and the cli both call this; neither ever runs user code on its own thread.
import { fork, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { deserialize } from "node:v8";
import type { BackwardSummary, ConsoleMessage, FromWorker, RunRequest, RunResult, ScriptError, ToWorker } from "../shared/protocol";
import { DRAINING, LAST_WORDS } from "./outbox";
import { killRun, newRunId, RUN_MARKER } from "./processTree";
import { MEMORY_MARK, type WatchdogTimes } from "./watchdog";
import { now, timingOn } from "../shared/timing";
import { SPARE_ARG } from "./spare";
import { decodeTrace } from "../shared/traceColumns";

/**
 * how long a script past its time limit has to hand back what it did: at once when its event loop
 * is free, through the watchdog when it is busy in a loop; a script stuck in a native call (a
 * synchronous child process, Atomics.wait) cannot, and is stopped when this has passed
 */
const STOP_GRACE_MS = 2000;

/** node's own line at exit when an inspector session was open (the watchdog's question): not the script's */
const NODE_DEBUGGER_LINE = "Waiting for the debugger to disconnect...\n";

export interface RunOptions {
  /** seconds before the run is stopped */
  timeoutSeconds: number;
  /** the worker's heap limit in MB */
  memoryMb: number;
  /** graphs with more Values than this are summarised, not sent whole */
  maxNodes: number;
  /** the script's output, in order and as written, in chunks (stdout/stderr writes come as log/error) */
  onConsole?: (msg: ConsoleMessage) => void;
  /** aborting stops the run: a new run of the same panel, or the panel closing */
  signal?: AbortSignal;
  /** names of the settings or flags that raise the limits, for the messages */
  limitNames?: { timeout: string; memory: string };
  /** the worker's bundled file; defaults to worker.js beside this bundle */
  workerPath?: string;
  /** keep this backward() call for drawing instead of the last one */
  captureCall?: number;
  /** ms for the drawn call's numeric check in the worker (default 300; 0: none, the cli finishes it after the run) */
  numericBudgetMs?: number;
  /** keep a worker ready for the next run once this one has ended (prepareWorker) */
  spare?: boolean;
  /** false: no trace is wanted (`backprop-stepper run`), the worker builds none */
  trace?: boolean;
  /**
   * keep the trace as the worker sent it, as columns (result.columns, for the panel's page), its
   * `trace` decoded only when read; otherwise `trace` is decoded and there are no columns
   */
  keepColumns?: boolean;
}

/** the result with its trace: decoded from its columns now, or (keep) when first read */
function withTrace(result: RunResult, keep: boolean): RunResult {
  const columns = result.columns;
  if (!columns) return result;
  if (!keep) {
    const { columns: _, ...rest } = result;
    return { ...rest, trace: decodeTrace(columns) };
  }
  // not enumerable: what the host posts or spreads carries the columns, not a second copy
  Object.defineProperty(result, "trace", {
    configurable: true,
    enumerable: false,
    get: () => {
      const trace = decodeTrace(columns);
      Object.defineProperty(result, "trace", { value: trace, configurable: true, enumerable: false, writable: true });
      return trace;
    },
  });
  return result;
}

export const DEFAULTS = { timeoutSeconds: 10, memoryMb: 2048, maxNodes: 100_000 } as const;

/** the limits a run accepts: node cannot wait longer than 2^31 - 1 ms, and v8 needs some heap to start */
export const LIMITS = { timeoutSeconds: { min: 0.1, max: 2_147_483 }, memoryMb: { min: 64, max: 65_536 } } as const;

/** a plain sentence for a limit out of range, or undefined when both are fine */
export function limitProblem(
  timeoutSeconds: number,
  memoryMb: number,
  names = { timeout: "the time limit", memory: "the memory limit" },
): string | undefined {
  const t = LIMITS.timeoutSeconds;
  const m = LIMITS.memoryMb;
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds < t.min || timeoutSeconds > t.max) {
    return `${names.timeout} must be between ${t.min} and ${t.max.toLocaleString("en-US")} seconds (it is ${timeoutSeconds}).`;
  }
  if (!Number.isFinite(memoryMb) || memoryMb < m.min || memoryMb > m.max) {
    return `${names.memory} must be between ${m.min} and ${m.max.toLocaleString("en-US")} MB (it is ${memoryMb}).`;
  }
  return undefined;
}

/** a failed run keeps what it did before it failed: its backward() calls, and the last recorded one when it could send it */
export type RunOutcome = { ok: true; result: RunResult } | { ok: false; error: ScriptError; partial?: RunResult };

/** node's names for pending handles, as a learner would say them */
function describePending(names: readonly string[]): string | undefined {
  const words: Record<string, string> = {
    Timeout: "a timer (setInterval or setTimeout) still pending",
    Immediate: "a setImmediate callback",
    TCPServerWrap: "a server still listening",
    TCPSocketWrap: "an open network connection",
    PipeServerWrap: "a server still listening",
    ProcessWrap: "a child process still running",
    FSReqCallback: "a file operation",
    FSReqPromise: "a file operation",
  };
  const said = [...new Set(names.map((n) => words[n] ?? n))];
  return said.length ? said.join(", ") : undefined;
}

/** a worker process, and the marker its run's processes carry */
interface Worker {
  child: ChildProcess;
  runId: string;
}

function forkWorker(workerPath: string, memoryMb: number, cwd: string, spareOne = false): Worker {
  // every process of the run carries it in its environment, detached ones too (processTree.ts)
  const runId = newRunId();
  const child = fork(workerPath, spareOne ? [SPARE_ARG] : [], {
    detached: process.platform !== "win32",
    // the worker moves to the script's folder when it gets the run (a spare is forked before it knows it)
    cwd,
    // a training step's graph is megabytes of short-lived values: a larger young generation keeps
    // v8 from copying it on every scavenge (about 2.5x faster steps; see bench/engine.bench.ts),
    // and it starts at that size rather than growing from 1 MB through the first steps, copying the
    // graph being built at each growth (the moons loop's scavenges ~16 -> 4, their pauses ~200 ->
    // ~70 ms; the moons example's 20 drawn steps ~12% faster, the worker's peak as it was, ~245 MB,
    // now that the drawn call's trace is built without its steps). 40 MB rather than 64 since a
    // moons step allocates ~7 MB (no longer ~9): every page of the young generation is new memory
    // the first time it is filled (~3 us a page here), and a 20-step loop fills 128 MB of it once;
    // 40 MB: the loop ~5% faster in 24 runs, its peak 211 -> 157 MB, the drawn moons as it was. a
    // spare worker writes those pages once while it waits (warm.ts), so its run does not pay for them.
    // v8 optimises with feedback from each function's first call, and compiles each function to
    // baseline code (sparkplug) at its first call rather than interpreting it until warm: the moons
    // loop's first step ~82 -> ~64 ms, its 20 steps ~465 -> ~415 ms (medians of 10 interleaved
    // runs); neuron's and xor's trace --json as they were (a creation line costs more to capture
    // from baseline code: locator.ts looks in the nearest frames first). its optimising compiler
    // runs on a thread of its own again (v8's default): the loop's first step waits ~10 ms more for
    // it, and then its compiles no longer stop the steps after: the 20 steps 514 -> 448 ms, 495 ->
    // 462, 482 -> 443 (medians of 14, 16 and 10 interleaved runs); the drawn moons run's trace
    // --json 2.77 -> 2.66 s
    execArgv: [
      `--max-old-space-size=${memoryMb}`,
      "--max-semi-space-size=40",
      "--min-semi-space-size=40",
      "--no-lazy-feedback-allocation",
      "--always-sparkplug",
    ],
    // node's own binary inside vs code's electron
    env: { ...process.env, ELECTRON_RUN_AS_NODE: "1", [RUN_MARKER]: runId },
    serialization: "advanced",
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  return { child, runId };
}

/**
 * a worker forked ahead of its run: node has started and loaded the worker's bundle, which waits for
 * the run's request. the next run that fits takes it (the extension's: about half a second less)
 */
let spare: (Worker & { key: string }) | undefined;

/**
 * after a run that keeps a spare, the next one is forked this much later: once the panel has drawn
 * the run, not while it draws. a big graph takes the page a second or more (the moons step's ~0.8 s
 * after its message, the render bench); one of a few thousand values ~0.1-0.2 s, and a learner who
 * changed a number runs again within two seconds: with 1.5 s for every run, the path bench's xor
 * runs met no spare one time in two (a fresh worker: ~0.2 s more)
 */
const SPARE_DELAY_MS = 1500;
const SPARE_DELAY_SMALL_MS = 400;
/** the most values a run's largest backward() call may have for the shorter delay */
const SMALL_RUN = 5000;

/** keeps a worker ready for the next run with this worker bundle and memory limit */
export function prepareWorker(workerPath: string, memoryMb: number): void {
  const key = `${workerPath}|${memoryMb}`;
  if (spare?.key === key && spare.child.connected) return;
  disposeSpareWorker();
  let worker: Worker;
  try {
    worker = forkWorker(workerPath, memoryMb, os.tmpdir(), true);
  } catch {
    return;
  }
  const ready = { ...worker, key };
  spare = ready;
  // a spare that ends (or fails to start) is simply not there for the next run
  ready.child.on("error", () => {});
  ready.child.once("exit", () => {
    if (spare === ready) spare = undefined;
  });
}

/** ends the spare worker, if there is one (the extension's deactivation) */
export function disposeSpareWorker(): void {
  if (spare) killRun(spare.child.pid, spare.runId);
  spare = undefined;
}

/** values in the largest of the run's backward() calls (0 for none) */
function largestCall(calls: readonly BackwardSummary[]): number {
  let most = 0;
  for (const c of calls) if (c.nodeCount > most) most = c.nodeCount;
  return most;
}

function takeSpare(workerPath: string, memoryMb: number): Worker | undefined {
  const taken = spare;
  if (!taken || taken.key !== `${workerPath}|${memoryMb}` || !taken.child.connected || taken.child.exitCode !== null) return undefined;
  spare = undefined;
  taken.child.removeAllListeners("error");
  taken.child.removeAllListeners("exit");
  return taken;
}

export function runScript(file: string, opts: RunOptions): Promise<RunOutcome> {
  const names = opts.limitNames ?? { timeout: "backpropStepper.timeoutSeconds", memory: "backpropStepper.memoryMb" };
  const problem = limitProblem(opts.timeoutSeconds, opts.memoryMb, names);
  if (problem) return Promise.resolve({ ok: false, error: { kind: "crash", message: problem } });
  if (!fs.existsSync(file)) return Promise.resolve({ ok: false, error: { kind: "crash", message: `There is no file ${file}.` } });
  if (!fs.statSync(file).isFile())
    return Promise.resolve({ ok: false, error: { kind: "crash", message: `${file} is a folder, not a script file.` } });
  const workerPath = opts.workerPath ?? path.join(__dirname, "worker.js");
  const forkedAt = timingOn() ? now() : 0;
  // a folder of the run's own (a worker ended by process.exit leaves its last messages there); it
  // belongs to the run, not to the worker: a worker stopped by its time limit cannot clean up
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), "backprop-stepper-"));
  const removeTmp = () => fs.rmSync(tmpDir, { recursive: true, force: true, maxRetries: 3 });
  // every process of the run carries it in its environment, detached ones too (processTree.ts)
  // the worker made ready beforehand (prepareWorker), when it fits this run; else a new one
  const { child, runId } = takeSpare(workerPath, opts.memoryMb) ?? forkWorker(workerPath, opts.memoryMb, path.dirname(file));
  let spareDelay = SPARE_DELAY_MS; // until the run's outcome says it was small
  if (opts.spare) child.once("exit", () => setTimeout(() => prepareWorker(workerPath, opts.memoryMb), spareDelay).unref());

  return new Promise<RunOutcome>((resolve) => {
    let settled = false;
    let stderrTail = "";
    // the calls as they happened: what a run killed by its limits still has
    const streamed: BackwardSummary[] = [];
    const sofar = (): RunResult | undefined =>
      streamed.length ? { file: path.resolve(file), calls: streamed, elapsedMs: performance.now() - started } : undefined;
    const started = performance.now();
    const settle = (outcome: RunOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(grace);
      opts.signal?.removeEventListener("abort", onAbort);
      if (outcome.ok && largestCall(outcome.result.calls) <= SMALL_RUN) spareDelay = SPARE_DELAY_SMALL_MS;
      // the script's own processes too, even when the worker itself has ended
      killRun(child.pid, runId);
      removeTmp();
      resolve(outcome);
    };
    const fail = (error: ScriptError, partial = sofar()) => settle(partial ? { ok: false, error, partial } : { ok: false, error });

    const timedOut = (pending?: string[]): ScriptError => {
      const why = pending && describePending(pending);
      return {
        kind: "timeout",
        message: why
          ? `The script was stopped after ${opts.timeoutSeconds} s: it kept waiting on ${why}.`
          : `The script was stopped after ${opts.timeoutSeconds} s: it did not finish in time (an endless loop?).`,
        hint: why
          ? "A script ends when nothing is left to wait for: clear the timer (clearInterval), close the server, or call process.exit()."
          : `Raise the limit with ${names.timeout} if the script needs longer.`,
      };
    };
    // a worker that has ended cannot be told anything: how it ended (its last message, its exit) says why
    const tell = (msg: ToWorker) => {
      try {
        child.send(msg, () => {});
      } catch {
        // the channel is closed
      }
    };
    // past the limit the worker is asked for what it has (its watchdog asks a script busy in a
    // loop); a script that finished and whose output is still on its way is waited for
    let grace: ReturnType<typeof setTimeout> | undefined;
    const timer = setTimeout(() => {
      tell({ type: "stop" });
      grace = setTimeout(() => {
        if (!fs.existsSync(path.join(tmpDir, DRAINING))) fail(timedOut());
      }, STOP_GRACE_MS);
    }, opts.timeoutSeconds * 1000);

    const onAbort = () => fail({ kind: "cancelled", message: "The run was cancelled." });
    if (opts.signal?.aborted) return onAbort();
    opts.signal?.addEventListener("abort", onAbort);

    // what reaches the worker's own stdout and stderr (a native module, a child process the script
    // started with stdio "inherit"): the script's own writes come batched over ipc
    child.stdout?.setEncoding("utf8").on("data", (text: string) => opts.onConsole?.({ type: "console", level: "log", text }));
    child.stderr?.setEncoding("utf8").on("data", (text: string) => {
      stderrTail = (stderrTail + text).slice(-4000);
      const own = text.replace(`\n${MEMORY_MARK}\n`, "").replace(NODE_DEBUGGER_LINE, "");
      if (own && !/heap out of memory|^\s*<--- Last few GCs|^\s*\d+: 0x/m.test(own)) {
        opts.onConsole?.({ type: "console", level: "error", text: own });
      }
    });

    const receive = (msg: FromWorker) => {
      const timing = msg.type !== "console" && msg.type !== "calls" ? msg.result?.timing : undefined;
      if (timing) Object.assign(timing, { "host.fork": forkedAt, "host.received": now() });
      if (msg.type !== "console" && msg.type !== "calls" && msg.result) msg.result = withTrace(msg.result, opts.keepColumns ?? false);
      switch (msg.type) {
        case "console":
          opts.onConsole?.(msg);
          break;
        case "calls":
          streamed.push(...msg.calls);
          break;
        case "done":
          settle({ ok: true, result: msg.result });
          break;
        case "failed":
          fail(msg.error, msg.result);
          break;
        case "stopped":
          fail(timedOut(msg.pending), msg.result.calls.length ? msg.result : undefined);
          break;
      }
    };
    child.on("message", receive);

    const exited = (code: number | null, signal: NodeJS.Signals | null) => {
      if (settled) return removeTmp();
      // a script that called process.exit() left its last messages in a file
      const words = path.join(tmpDir, LAST_WORDS);
      if (fs.existsSync(words)) {
        for (const msg of deserialize(fs.readFileSync(words)) as FromWorker[]) receive(msg);
        return;
      }
      if (/heap out of memory|Reached heap limit/.test(stderrTail) || stderrTail.includes(MEMORY_MARK)) {
        fail({
          kind: "memory",
          message: `The script was stopped: it used more than its memory limit of ${opts.memoryMb} MB.`,
          hint: `Raise the limit with ${names.memory} if the script needs more.`,
        });
      } else {
        fail({
          kind: "crash",
          message: `The script's process ended unexpectedly (${signal ?? `exit code ${code}`}) before it finished.`,
          hint: stderrTail.trim().split("\n").slice(-3).join("\n") || undefined,
        });
      }
    };
    // messages still in the pipe are read before the exit is judged
    child.on("exit", (code, signal) => {
      if (!child.connected) return exited(code, signal);
      const late = setTimeout(() => exited(code, signal), 200);
      child.once("disconnect", () => {
        clearTimeout(late);
        exited(code, signal);
      });
    });
    // an error once the process has started (a message it could no longer take) is judged by how it ends
    child.on("error", (e) => {
      if (child.pid === undefined) fail({ kind: "crash", message: `Could not start the script's process: ${e.message}` });
    });

    const req: RunRequest & WatchdogTimes = {
      type: "run",
      file: path.resolve(file),
      maxNodes: opts.maxNodes,
      captureCall: opts.captureCall,
      tmpDir,
      memoryMb: opts.memoryMb,
      numericBudgetMs: opts.numericBudgetMs ?? 300,
      trace: opts.trace ?? true,
      // the worker keeps a deadline of its own, after the parent's (and its grace), and stops when its parent goes
      deadlineMs: opts.timeoutSeconds * 1000 + STOP_GRACE_MS + 2000,
      // the time limit, which the watchdog keeps too (for a script busy in a loop)
      timeoutMs: opts.timeoutSeconds * 1000,
    };
    tell(req);
  });
}

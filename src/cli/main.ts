// the terminal front end: `backprop-stepper run|trace FILE.ts`, on the same runner as the extension.
import * as path from "node:path";
import type { ScriptError, SourcePos } from "../shared/protocol";
import { finishCheck } from "../engine/numericCheck";
import type { Trace } from "../engine/types";
import { DEFAULTS, limitProblem, runScript } from "../runner/runScript";
import { escapeControls } from "./terminalText";
import { traceOutput } from "./traceOutput";
import { noBackwardHint } from "../runner/hints";

const USAGE = `usage:
  backprop-stepper run FILE.ts [--timeout SECONDS] [--memory MB]
      runs the script with the engine; its console output on stdout
  backprop-stepper trace FILE.ts [--json] [--timeout SECONDS] [--memory MB] [--max-nodes N]
      the steps of the script's last backward() call: a table, or one JSON object on stdout
      (the script's own console output goes to stderr; NaN and infinities are the strings
      "NaN", "Infinity" and "-Infinity" in the JSON)`;

interface Args {
  command: "run" | "trace";
  file: string;
  json: boolean;
  timeoutSeconds: number;
  memoryMb: number;
  maxNodes: number;
}

function usageError(message: string): never {
  process.stderr.write(`backprop-stepper: ${escapeControls(message)}\n${USAGE}\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): Args {
  const [command, ...rest] = argv;
  if (command === "--help" || command === "-h" || command === "help") {
    process.stdout.write(USAGE + "\n");
    process.exit(0);
  }
  if (command !== "run" && command !== "trace") usageError(command ? `unknown command "${command}"` : "no command given");
  const args: Args = { command, file: "", json: false, ...DEFAULTS };
  const number = (flag: string, value: string | undefined) => {
    const n = Number(value);
    if (value === undefined || !Number.isFinite(n) || n <= 0) usageError(`${flag} needs a positive number`);
    return n;
  };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === "--json") args.json = true;
    else if (a === "--timeout") args.timeoutSeconds = number(a, rest[++i]);
    else if (a === "--memory") args.memoryMb = number(a, rest[++i]);
    else if (a === "--max-nodes") args.maxNodes = number(a, rest[++i]);
    else if (a.startsWith("-")) usageError(`unknown flag ${a}`);
    else if (!args.file) args.file = a;
    else usageError(`unexpected argument ${a}`);
  }
  if (!args.file) usageError("no script file given");
  return args;
}

function where(pos: SourcePos): string {
  const rel = path.relative(process.cwd(), pos.file);
  const shown = rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : pos.file;
  return `${shown}:${pos.line}:${pos.column}`;
}

/** the error, its frames and its hint; what came from the script (its message, its file names) with control characters escaped */
function printError(error: ScriptError): void {
  const lines = [error.pos ? `${where(error.pos)} ${error.message}` : error.message];
  for (const frame of error.stack?.slice(1) ?? []) lines.push(`    at ${where(frame)}`);
  if (error.hint) lines.push(error.hint);
  process.stderr.write(escapeControls(lines.join("\n"), true) + "\n");
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const problem = limitProblem(args.timeoutSeconds, args.memoryMb, { timeout: "--timeout", memory: "--memory" });
  if (problem) usageError(problem);
  const file = path.resolve(args.file);
  const toStderr = args.command === "trace";
  // the run stops with the cli: on a signal, or when what reads our output has gone (`| head -1`)
  const stop = new AbortController();
  const quit = (code: number) => {
    stop.abort();
    process.exit(code);
  };
  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
    ["SIGHUP", 129],
  ] as const)
    process.once(signal, () => quit(code));
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (e: NodeJS.ErrnoException) => (e.code === "EPIPE" ? quit(0) : quit(1)));
  }
  const outcome = await runScript(file, {
    ...args,
    signal: stop.signal,
    limitNames: { timeout: "--timeout SECONDS", memory: "--memory MB" },
    // none in the worker: the trace's numeric check is finished below, once the script's time limit no longer runs
    numericBudgetMs: 0,
    // `run` prints no trace: the worker builds none
    trace: args.command === "trace",
    onConsole: (msg) => {
      if (toStderr || msg.level === "error" || msg.level === "warn") process.stderr.write(msg.text);
      else process.stdout.write(msg.text);
    },
  });
  if (!outcome.ok) {
    const { error, partial } = outcome;
    // what the run did before it ended badly: its calls, and (trace) the last recorded one's steps
    if (partial?.trace && args.command === "trace") {
      const unchecked = await finishNumeric(partial.trace, args.timeoutSeconds);
      process.stdout.write(traceOutput(partial.trace, partial, args.json) + "\n");
      process.stderr.write(unchecked);
    }
    printError(error);
    if (partial) process.stderr.write(`${countCalls(partial.calls.length)} ran before the script stopped.\n`);
    return 1;
  }
  const exitCode = outcome.result.exitCode ?? 0;
  if (args.command === "run") return exitCode;

  const { result } = outcome;
  if (result.calls.length === 0) {
    process.stderr.write(`${escapeControls(where({ file, line: 1, column: 1 }))} ${noBackwardHint()}\n`);
    return 1;
  }
  if (result.tooBig) {
    const { nodeCount, maxNodes } = result.tooBig;
    process.stderr.write(
      `the last backward() call's graph has ${nodeCount} Values, more than --max-nodes ${maxNodes}; raise it to print the trace\n`,
    );
    return 1;
  }
  if (!result.trace) {
    process.stderr.write("the last backward() call ran with recording off (setRecording(false)), so it has no steps to print\n");
    return 1;
  }
  const unchecked = await finishNumeric(result.trace, args.timeoutSeconds);
  process.stdout.write(traceOutput(result.trace, result, args.json) + "\n");
  process.stderr.write(unchecked);
  return exitCode;
}

/**
 * the trace's numeric check, finished here after the run: the script's time limit is over, and the
 * check has as long again (--timeout). the leaves it did not reach have no "numeric"; a line says so
 */
async function finishNumeric(trace: Trace, seconds: number): Promise<string> {
  const { checked, total } = await finishCheck(trace, seconds * 1000);
  if (checked === total) return "";
  const n = (k: number) => k.toLocaleString("en-US");
  return `numeric check: ${n(checked)} of ${n(total)} leaves checked (budget ${seconds} s; raise --timeout to check them all)\n`;
}

const countCalls = (n: number) => `${n.toLocaleString("en-US")} backward() call${n === 1 ? "" : "s"}`;

main().then(
  (code) => (process.exitCode = code),
  (e) => {
    process.stderr.write(`backprop-stepper: ${e?.stack ?? e}\n`);
    process.exitCode = 1;
  },
);

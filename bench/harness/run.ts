// runs a script through the product's own runner (a worker process, as the extension and the cli
// do), keeping the trace as columns as the extension does, and encodes the panel's message as the
// extension host does (shared/posted.ts). built to out/bench/harness/run.js; page.mjs loads it.
import * as path from "node:path";
import { DEFAULTS, runScript } from "../../src/runner/runScript";
import type { Posted, RunResult, ShowTraceMessage } from "../../src/shared/protocol";
import { postedOf } from "../../src/shared/posted";

/** the bundled worker: this file sits in out/bench/harness/ */
const WORKER = path.resolve(__dirname, "../../../dist/worker.js");

export interface TimedRun {
  result: RunResult;
  /** from fork to the result in the host, ms */
  wallMs: number;
  /** the script's console output */
  output: string[];
}

export interface RunFileOptions {
  timeoutSeconds?: number;
  memoryMb?: number;
  maxNodes?: number;
  captureCall?: number;
}

/** runs `file`; throws with the script's error when it fails */
export async function runFile(file: string, opts: RunFileOptions = {}): Promise<TimedRun> {
  const output: string[] = [];
  const started = performance.now();
  const outcome = await runScript(path.resolve(file), {
    ...DEFAULTS,
    // the bench scripts are big: more time than a user's default
    timeoutSeconds: 60,
    ...opts,
    workerPath: WORKER,
    // the trace as the worker sent it, as the extension keeps it for its page
    keepColumns: true,
    onConsole: (m) => output.push(m.text),
  });
  const wallMs = performance.now() - started;
  if (!outcome.ok) {
    const e = outcome.error;
    const where = e.pos ? `${e.pos.file}:${e.pos.line}:${e.pos.column} ` : "";
    throw new Error(`${file}: ${e.kind}: ${where}${e.message}${e.hint ? `\n${e.hint}` : ""}`);
  }
  return { result: outcome.result, wallMs, output };
}

/** what GraphPanel.post() hands to webview.postMessage for a finished run */
export function showTracePosted(result: RunResult, fileName = path.basename(result.file), keepPosition = false): Posted {
  const msg: ShowTraceMessage = { type: "showTrace", result, fileName, keepPosition };
  return postedOf(msg, result);
}

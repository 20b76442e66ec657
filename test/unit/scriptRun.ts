// scripts run through the real worker, as the extension runs them: the runner's unit tests write
// each script into a temporary folder and read what the run gave
import * as assert from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runScript, type RunOptions, type RunOutcome } from "../../src/runner/runScript";
import type { ConsoleMessage } from "../../src/shared/protocol";

export const WORKER = path.resolve(__dirname, "../../../dist/worker.js");

export interface ScriptRun {
  outcome: RunOutcome;
  file: string;
  console: ConsoleMessage[];
  /** everything the script printed, in one string */
  out: string;
}

/** a temporary folder (removed after the tests) and `run`, which writes a script there and runs it */
export function scriptFolder(prefix: string, defaults: Partial<RunOptions> = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const run = async (name: string, body: string, opts: Partial<RunOptions> = {}): Promise<ScriptRun> => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, body);
    const console: ConsoleMessage[] = [];
    const outcome = await runScript(file, {
      timeoutSeconds: 10,
      memoryMb: 512,
      maxNodes: 100_000,
      workerPath: WORKER,
      onConsole: (m) => console.push(m),
      ...defaults,
      ...opts,
    });
    return { outcome, file, console, out: console.map((c) => c.text).join("") };
  };
  return { dir, run };
}

/** the error of a run that must have failed */
export function failure(outcome: RunOutcome) {
  assert.ok(!outcome.ok, "the run failed");
  return outcome.error;
}

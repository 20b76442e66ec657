// a thread that stops the worker's process (and every process the script started: its process
// group, and on linux the processes carrying the run's marker, processTree.ts) when the parent is
// gone, the deadline has passed, or the process uses more memory than the run may. a thread of its
// own, because a script stuck in `while (true) {}` never lets the main thread's event loop run;
// unref'd, so it never keeps a run alive. it watches the resident memory of the whole process, so
// typed arrays and buffers count, not only the javascript heap.
//
// past the time limit, a script whose event loop is free answers the host's "stop" itself. one
// busy in a loop cannot: once the script itself has run that long (its process's start is the
// runner's time, not the script's), the thread asks the main thread through the inspector (its
// messages are served between two instructions of a running loop) to leave the run's last words
// in the run's folder (the recorded call too), and stops the process once it has.
import { Worker } from "node:worker_threads";
import { killMarked, RUN_MARKER } from "./processTree";

/** what the watchdog writes to stderr before it stops a run for its memory: the host looks for it */
export const MEMORY_MARK = "backprop-stepper: the memory limit was reached";

/** where the run is, as the main thread tells the watchdog (one Int32 in shared memory) */
export const RunState = {
  /** the script runs */
  running: 0,
  /** the run has given its last message, or is giving it */
  answered: 1,
  /** the script has finished and its output is still on its way to the host: no deadline applies */
  draining: 2,
} as const;

/** what the worker needs beyond the protocol's RunRequest: sent by runScript.ts */
export interface WatchdogTimes {
  /** the time limit in ms: the host asks for the run's last words then */
  timeoutMs: number;
}

export interface WatchdogOptions extends WatchdogTimes {
  deadlineMs: number;
  tmpDir: string;
  memoryMb: number;
  /** the run's marker (RUN_MARKER's value), which the processes the script starts inherit */
  runId: string;
  /** shared with the main thread: a RunState */
  state: Int32Array;
  /** shared with the main thread: when the script's own code started (Date.now()), 0 before */
  clock: Float64Array;
  /** the global the main thread's stop hook is under: it returns "kill" once it has left its last words */
  hookKey: string;
}

/** how long past the time limit the watchdog leaves to the main thread to answer the host itself */
const ANSWER_MS = 250;

export function startWatchdog(opts: WatchdogOptions): void {
  const code = `
    const { workerData } = require("node:worker_threads");
    const { parent, deadline, tmpDir, maxRss, mark, state, clock, timeoutMs, hookKey, marker } = workerData;
    const killMarked = ${killMarked.toString()};
    const killAll = () => {
      if (process.platform === "linux" && marker) { try { killMarked(marker); } catch {} }
      if (process.platform !== "win32") { try { process.kill(-process.pid, "SIGKILL"); } catch {} }
      process.kill(process.pid, "SIGKILL");
    };
    const stop = (why) => {
      if (why) { try { require("node:fs").writeSync(2, "\\n" + why + "\\n"); } catch {} }
      // a parent that died cannot remove the run's folder
      try { require("node:fs").rmSync(tmpDir, { recursive: true, force: true }); } catch {}
      killAll();
    };
    // past the time limit, a main thread that has not answered is asked through the inspector
    let asking = false;
    const ask = () => {
      let session;
      try {
        session = new (require("node:inspector").Session)();
        session.connectToMainThread();
      } catch {
        return; // no inspector in this build of node: the host's grace ends the run
      }
      asking = true;
      session.post("Runtime.evaluate", { expression: "globalThis[" + JSON.stringify(hookKey) + "]?.()" }, (err, res) => {
        asking = false;
        // a session left open would make node print "Waiting for the debugger to disconnect..." at exit
        try { session.disconnect(); } catch {}
        if (!err && res && res.result && res.result.value === "kill") killAll();
      });
    };
    let tick = 0;
    setInterval(() => {
      if (process.memoryUsage.rss() > maxRss) stop(mark);
      const now = Date.now();
      const at = Atomics.load(state, 0);
      const started = clock[0];
      if (at === ${RunState.running} && started > 0 && now > started + timeoutMs + ${ANSWER_MS} && !asking && tick % 4 === 0) ask();
      if (++tick % 4) return;
      let gone = process.ppid !== parent;
      try { process.kill(parent, 0); } catch { gone = true; }
      if (gone || (now > deadline && at !== ${RunState.draining})) stop();
    }, 50);
  `;
  // node itself (and this code) before the script: the limit is for what the script adds
  const maxRss = process.memoryUsage.rss() + opts.memoryMb * 1024 * 1024;
  const workerData = {
    parent: process.ppid,
    deadline: Date.now() + opts.deadlineMs,
    tmpDir: opts.tmpDir,
    maxRss,
    mark: MEMORY_MARK,
    state: opts.state,
    clock: opts.clock,
    timeoutMs: opts.timeoutMs,
    hookKey: opts.hookKey,
    marker: opts.runId ? `${RUN_MARKER}=${opts.runId}` : "",
  };
  new Worker(code, { eval: true, workerData }).unref();
}

// a thread that stops the worker's process (and every process the script started: its process
// group) when the parent is gone, the deadline has passed, or the process uses more memory than
// the run may. a thread of its own, because a script stuck in `while (true) {}` never lets the
// main thread's event loop run; unref'd, so it never keeps a run alive. it watches the resident
// memory of the whole process, so typed arrays and buffers count, not only the javascript heap.
import { Worker } from "node:worker_threads";

/** what the watchdog writes to stderr before it stops a run for its memory: the host looks for it */
export const MEMORY_MARK = "backprop-stepper: the memory limit was reached";

export function startWatchdog(opts: { deadlineMs: number; tmpDir: string; memoryMb: number }): void {
  const code = `
    const { workerData } = require("node:worker_threads");
    const { parent, deadline, tmpDir, maxRss, mark } = workerData;
    const stop = (why) => {
      if (why) { try { require("node:fs").writeSync(2, "\\n" + why + "\\n"); } catch {} }
      // a parent that died cannot remove the run's folder
      try { require("node:fs").rmSync(tmpDir, { recursive: true, force: true }); } catch {}
      if (process.platform !== "win32") { try { process.kill(-process.pid, "SIGKILL"); } catch {} }
      process.kill(process.pid, "SIGKILL");
    };
    let tick = 0;
    setInterval(() => {
      if (process.memoryUsage.rss() > maxRss) stop(mark);
      if (++tick % 4) return;
      let gone = process.ppid !== parent;
      try { process.kill(parent, 0); } catch { gone = true; }
      if (gone || Date.now() > deadline) stop();
    }, 50);
  `;
  // node itself (and this code) before the script: the limit is for what the script adds
  const maxRss = process.memoryUsage.rss() + opts.memoryMb * 1024 * 1024;
  const workerData = { parent: process.ppid, deadline: Date.now() + opts.deadlineMs, tmpDir: opts.tmpDir, maxRss, mark: MEMORY_MARK };
  new Worker(code, { eval: true, workerData }).unref();
}

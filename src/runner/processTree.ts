// stopping every process a run started. the worker leads a process group of its own (detached),
// so killing the group stops what the script started the plain way (a `sleep`, a server). a child
// started with `detached: true` (or setsid) leaves the group: to find those, the worker's
// environment carries a marker of the run (RUN_MARKER=<id>), which every process the script starts
// inherits unless the script hands it a fresh environment.
//
// what holds where:
// - linux: the group, then every process whose /proc/<pid>/environ carries the marker (detached,
//   unref'd children and their own children included, whoever their parent is by then).
// - macos: the group only (no /proc, and reading another process's environment needs `ps -E`,
//   which is not done here): a child started with `detached: true` outlives the run.
// - windows: no process groups and no marker search: the worker alone is killed, and the
//   processes the script started outlive it.
import { randomUUID } from "node:crypto";

/** the name of the environment variable that marks a run's processes */
export const RUN_MARKER = "BACKPROP_STEPPER_RUN";

/** a fresh marker value for one run */
export function newRunId(): string {
  return `${process.pid}-${randomUUID()}`;
}

/** kills the worker's process group (or, on windows, the worker), then the processes marked with `runId` */
export function killRun(pid: number | undefined, runId: string): void {
  killTree(pid);
  if (process.platform === "linux") killMarked(`${RUN_MARKER}=${runId}`);
}

/** kills the worker's process group, or the worker alone where there are no process groups (windows) */
export function killTree(pid: number | undefined): void {
  if (pid === undefined) return;
  if (process.platform !== "win32") {
    try {
      process.kill(-pid, "SIGKILL");
      return;
    } catch {
      // the group is gone already: fall through to the worker itself
    }
  }
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // gone
  }
}

/**
 * linux: SIGKILL to every process (but this one) whose environment holds `entry` ("NAME=value"),
 * read from /proc/<pid>/environ (readable for the user's own processes). a few rounds, for a child
 * that started another while the first round ran. self-contained (the watchdog thread runs its
 * source text): it uses nothing from outside but `require` and `process`.
 */
export function killMarked(entry: string): number {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- self-contained, see above
  const fs = require("node:fs") as typeof import("node:fs");
  const wanted = Buffer.from(`\0${entry}\0`);
  let killed = 0;
  for (let round = 0; round < 3; round++) {
    let names: string[];
    try {
      names = fs.readdirSync("/proc");
    } catch {
      return killed;
    }
    let found = 0;
    for (const name of names) {
      const pid = Number(name);
      if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) continue;
      let env: Buffer;
      try {
        env = fs.readFileSync(`/proc/${name}/environ`);
      } catch {
        continue; // gone, or not the user's
      }
      if (!Buffer.concat([Buffer.from([0]), env, Buffer.from([0])]).includes(wanted)) continue;
      try {
        process.kill(pid, "SIGKILL");
        found++;
      } catch {
        // gone meanwhile
      }
    }
    killed += found;
    if (found === 0) break;
  }
  return killed;
}

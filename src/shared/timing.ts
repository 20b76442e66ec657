// timestamps of one run on its way from the command to the drawn page, for bench/path.bench.mjs.
// off unless the extension host's environment has BACKPROP_STEPPER_TIMING=1 (the worker inherits
// it; the page records only when the host sent times): off, nothing is measured or sent.

/** wall-clock milliseconds by name ("worker.start", "host.posted", "page.parsed"), comparable across processes */
export type Times = Record<string, number>;

/** the environment variable that turns the timestamps on */
export const TIMING_ENV = "BACKPROP_STEPPER_TIMING";

/** now, as wall-clock ms (Date.now(): performance.timeOrigin drifts apart between processes by tens of ms) */
export function now(): number {
  return Date.now();
}

/** true in a node process (host, worker) whose environment asks for timestamps */
export function timingOn(): boolean {
  // the page has no process: it records only when the host sent times
  const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env;
  return env?.[TIMING_ENV] === "1";
}

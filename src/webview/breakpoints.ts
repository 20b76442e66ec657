// breakpoints on values: stop the pass where a value's grad becomes NaN or infinite, or its size
// passes a bound, or where the pass reaches a value. Continue and Play stop at them. pure: the
// stepper asks where the next stop is; a breakpoint is kept by the value's id (a re-run of the
// same script makes the same ids) and label (shown in the list).
import type { Trace } from "../engine/trace";

export type Breakpoint =
  /** the value's grad becomes NaN or ±Infinity */
  | { id: number; label: string; kind: "nonFinite" }
  /** |grad| becomes larger than `bound` */
  | { id: number; label: string; kind: "above"; bound: number }
  /** the pass reaches the value (its step runs); once */
  | { id: number; label: string; kind: "reach" };

/** what stopped the pass, for the panel to say */
export interface Stop {
  /** the position to stop at: steps run, the triggering one included */
  position: number;
  breakpoint: Breakpoint;
}

const crosses = (bp: Breakpoint, before: number, after: number): boolean => {
  switch (bp.kind) {
    case "nonFinite":
      return Number.isFinite(before) && !Number.isFinite(after);
    case "above":
      return !(Math.abs(before) > bp.bound) && Math.abs(after) > bp.bound;
    case "reach":
      return false;
  }
};

/** the first stop after `position` (steps run so far), or undefined when the pass runs to its end */
export function nextStop(trace: Trace, position: number, breakpoints: readonly Breakpoint[]): Stop | undefined {
  if (breakpoints.length === 0) return undefined;
  const byId = new Map<number, Breakpoint[]>();
  for (const bp of breakpoints) {
    const list = byId.get(bp.id);
    if (list) list.push(bp);
    else byId.set(bp.id, [bp]);
  }
  const steps = trace.steps;
  for (let k = position; k < steps.length; k++) {
    const reached = byId.get(steps[k].node)?.find((bp) => bp.kind === "reach");
    if (reached) return { position: k + 1, breakpoint: reached };
    for (const u of steps[k].updates) {
      const hit = byId.get(u.child)?.find((bp) => crosses(bp, u.before, u.after));
      if (hit) return { position: k + 1, breakpoint: hit };
    }
  }
  return undefined;
}

/** a stop in words: "w1's grad became NaN at step 12" */
export function describeStop(stop: Stop): string {
  const bp = stop.breakpoint;
  const name = bp.label || `#${bp.id}`;
  switch (bp.kind) {
    case "nonFinite":
      return `Stopped at step ${stop.position}: ${name}'s grad is no longer finite.`;
    case "above":
      return `Stopped at step ${stop.position}: |${name}.grad| went above ${bp.bound}.`;
    case "reach":
      return `Stopped at step ${stop.position}: the pass reached ${name}.`;
  }
}

/** the breakpoints still meaningful for a new run's trace: their value is in it */
export function carryOver(breakpoints: readonly Breakpoint[], trace: Trace): Breakpoint[] {
  const ids = new Set(trace.nodes.map((n) => n.id));
  return breakpoints.filter((bp) => ids.has(bp.id));
}

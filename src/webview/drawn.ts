// the graph a shown run draws: the run's own trace, or, with what-if edits, the trace worked out
// again from the recorded ops (engine/whatIf.ts). made once per run and set of edits.
import { whatIf } from "../engine/whatIf";
import type { Trace } from "../engine/trace";
import { factsOf, type RunFacts } from "./runFacts";
import type { Shown } from "./state";

export interface Drawn {
  facts: RunFacts;
  /** ids of the values whose data or grad the edits changed */
  changed: ReadonlySet<number>;
  /** the change went through a hand-written op, linearised */
  approximate: boolean;
}

const NONE: ReadonlySet<number> = new Set();
const made = new WeakMap<Trace, { key: string; drawn: Drawn }>();

export function drawnOf(s: Pick<Shown, "run" | "edits">): Drawn {
  const trace = s.run.trace;
  if (s.edits.length === 0) return { facts: factsOf(trace), changed: NONE, approximate: false };
  const key = s.edits.map(([id, v]) => `${id}=${v}`).join(",");
  const last = made.get(trace);
  if (last?.key === key) return last.drawn;
  const r = whatIf(trace, new Map(s.edits));
  const drawn = { facts: factsOf(r.trace), changed: r.changed, approximate: r.approximate };
  made.set(trace, { key, drawn });
  return drawn;
}

// where a value's grad comes from: what each parent sent it, step by step. a value used by several
// parents (x in x·w and in x + b) adds up one share per use; the pane and the hover name each share.
import type { Trace, TraceNode } from "../engine/trace";
import { fmt } from "./format";
import { nameOf } from "./names";

export interface Share {
  /** the step (0-based) that sent it */
  step: number;
  parent: number;
  amount: number;
}

/** each value's shares, in step order, made once per trace */
export class Shares {
  private readonly byChild = new Map<number, Share[]>();

  constructor(trace: Trace) {
    trace.steps.forEach((s, i) => {
      for (const u of s.updates) {
        let list = this.byChild.get(u.child);
        if (list === undefined) this.byChild.set(u.child, (list = []));
        list.push({ step: i, parent: s.node, amount: u.after - u.before });
      }
    });
  }

  /** the shares sent before `position` steps have run (all of them by default) */
  of(id: number, position = Infinity): Share[] {
    return (this.byChild.get(id) ?? []).filter((s) => s.step < position);
  }

  /** "0.3 (from x·w) + 1.2 (from x + b)", with what the grad held before the pass first */
  sum(id: number, nodes: ReadonlyMap<number, TraceNode>, position = Infinity): string {
    const parts = this.of(id, position).map((s) => ({ amount: s.amount, why: `from ${nameOf(nodes.get(s.parent)!)}` }));
    const held = nodes.get(id)?.gradBefore;
    if (held) parts.unshift({ amount: held, why: "held before" });
    return parts
      .map((p, i) => {
        const sign = i === 0 ? (p.amount < 0 ? "-" : "") : p.amount < 0 ? " − " : " + ";
        return `${sign}${fmt(Math.abs(p.amount))} (${p.why})`;
      })
      .join("");
  }

  /** true when the value gets its grad from more than one use */
  shared(id: number): boolean {
    return (this.byChild.get(id)?.length ?? 0) > 1;
  }
}

// the trace of one backward() call as plain data: what `trace --json` prints and the panel draws.
// contract: for every update, after = before + local * upstream of its step (and upstream is the
// node's final grad when all grads were zero before the pass). its shapes are in types.ts.

import type { BackwardCall, Trace, TraceGroup, TraceNode } from "./types";
import type { Group } from "./group";
import { CUSTOM } from "./ops";

export type { Trace, TraceNode, TraceStep, TraceUpdate, TraceGroup } from "./types";

/** the longest label a trace carries; a longer one is cut, with "…" */
export const LABEL_MAX = 10_000;

/**
 * a label as text: a script in plain javascript may set any value as a label (an object with a
 * cycle, a BigInt, a function); it is shown as the text it converts to, never a crash
 */
export function labelText(label: unknown): string {
  let text: string;
  if (typeof label === "string") text = label;
  else if (label === undefined || label === null) text = "";
  else {
    try {
      text = String(label);
    } catch {
      text = `[${typeof label}]`;
    }
  }
  return text.length > LABEL_MAX ? text.slice(0, LABEL_MAX - 1) + "…" : text;
}

export function buildTrace(call: BackwardCall): Trace {
  const { order, gradBefore, gradAfter, data } = call;
  const steps = call.steps;
  // a recorded pass knows the locals it used; otherwise they are derived from the data as it is now
  const usedLocals = new Map<number, number[]>();
  if (steps !== null)
    for (const s of steps)
      usedLocals.set(
        s.node,
        s.updates.map((u) => u.local),
      );
  const nodes: TraceNode[] = [];
  const groups = new Map<number, Group>();
  for (let i = 0; i < order.length; i++) {
    const v = order[i];
    const n: TraceNode = {
      id: v.id,
      label: labelText(v.label),
      op: v.op,
      data: data === null ? v.data : data[i],
      grad: gradAfter === null ? v.grad : gradAfter[i],
      gradBefore: gradBefore === null ? null : gradBefore[i],
      children: v.children.map((c) => c.id),
      locals: usedLocals.get(v.id) ?? v.locals.slice(),
    };
    const g = v.group;
    if (g !== null) {
      n.group = g.id;
      if (!groups.has(g.id)) for (let p: Group | null = g; p !== null && !groups.has(p.id); p = p.parent) groups.set(p.id, p);
      const path = g.path;
      if (path !== undefined) n.module = path;
    }
    if (v.loc !== undefined) n.loc = v.loc;
    if (v._code === CUSTOM) n.custom = true;
    nodes.push(n);
  }
  return {
    index: call.index,
    root: call.root.id,
    accumulated: call.accumulated,
    recorded: steps !== null,
    nodes,
    steps: steps ?? [],
    groups: groupTable(groups),
  };
}

/** the groups as data, parents first; calls numbered 1, 2, … per module within this graph */
function groupTable(groups: Map<number, Group>): TraceGroup[] {
  const sorted = [...groups.values()].sort((a, b) => a.id - b.id);
  const calls = new Map<number, number>();
  return sorted.map((g) => {
    const t: TraceGroup = { id: g.id, kind: g.kind, name: g.name, parent: g.parent === null ? null : g.parent.id, call: null };
    if (g.owner !== null) {
      const owner = g.owner.params.id;
      t.owner = owner;
      if (g.call !== null) {
        const k = (calls.get(owner) ?? 0) + 1;
        calls.set(owner, k);
        t.call = k;
      }
    }
    const path = g.path;
    if (path !== undefined) t.module = path;
    return t;
  });
}

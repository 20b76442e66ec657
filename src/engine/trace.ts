// the trace of one backward() call as plain data: what `trace --json` prints and the panel draws.
// contract: for every update, after = before + local * upstream of its step (and upstream is the
// node's final grad when all grads were zero before the pass). its shapes are in types.ts.

import type { BackwardCall, ManualOp, Node, Trace, TraceGroup, TraceNode } from "./types";
import type { Group } from "./group";
import { CUSTOM } from "./ops";
import { tensorName, traceTensor } from "./tensor/record";

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

export interface TraceOptions {
  /**
   * false: a recorded pass's steps are not made (they are the chain rule over the nodes' locals
   * from their grads before the pass, and trace columns work them out again: stepReplay.ts); the
   * trace's steps stay empty unless the caller puts call.steps there
   */
  steps?: boolean;
}

export function buildTrace(call: BackwardCall, options: TraceOptions = {}): Trace {
  const { order, gradBefore, gradAfter, data } = call;
  const steps = options.steps === false ? null : call.steps;
  // a recorded pass knows the locals it used (tape.ts); otherwise they are derived from the data as it is now
  const passLocals = call.locals;
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
      locals: passLocals === null ? v.locals.slice() : passLocals[i],
    };
    const g = v.group;
    if (g !== null) {
      n.group = g.id;
      if (!groups.has(g.id)) addGroup(groups, g);
      const path = g.path;
      if (path !== undefined) n.module = path;
    }
    if (v.loc !== undefined) n.loc = v.loc;
    if (v._code === CUSTOM) n.custom = true;
    nodes.push(n);
  }
  numericLocals(order, nodes);
  return {
    index: call.index,
    root: call.root.id,
    accumulated: call.accumulated,
    recorded: passLocals !== null,
    nodes,
    steps: steps ?? [],
    groups: groupTable(groups),
  };
}

/**
 * g and its ancestors; for a tensor op, also the groups that made its operands (a transpose makes
 * no values of its own, so no node names its group), so every group a tensor op names is there
 */
function addGroup(groups: Map<number, Group>, g: Group): void {
  for (let p: Group | null = g; p !== null && !groups.has(p.id); p = p.parent) {
    groups.set(p.id, p);
    if (p.tensor !== null) for (const x of p.tensor.inputs) if (typeof x !== "number" && x.group !== null) addGroup(groups, x.group);
  }
}

/**
 * a hand-written op given its forward formula: d(out)/d(child) by central difference of that
 * formula around this pass's values, for the numeric check (it has no formula in a trace)
 */
function numericLocals(order: readonly Node[], nodes: TraceNode[], eps = 1e-6): void {
  let dataOf: Map<number, number> | null = null;
  for (let i = 0; i < order.length; i++) {
    const v = order[i];
    if (v._code !== CUSTOM) continue;
    const { forward } = v._ext as ManualOp;
    if (forward === null) continue;
    if (dataOf === null) dataOf = new Map(nodes.map((n) => [n.id, n.data]));
    const xs = v.children.map((c) => dataOf!.get(c.id) ?? c.data);
    try {
      nodes[i].numericLocals = xs.map((x, j) => {
        const h = eps * Math.max(1, Math.abs(x));
        const up = xs.slice();
        const down = xs.slice();
        up[j] = x + h;
        down[j] = x - h;
        return (forward(up) - forward(down)) / (2 * h);
      });
    } catch {
      // a forward that throws on other numbers: the check linearises the op with its own locals, and says so
    }
  }
}

/** the groups as data, parents first; calls numbered 1, 2, … per module within this graph */
function groupTable(groups: Map<number, Group>): TraceGroup[] {
  const sorted = [...groups.values()].sort((a, b) => a.id - b.id);
  const calls = new Map<number, number>();
  return sorted.map((g) => {
    const name = g.tensor === null ? g.name : tensorName(g.tensor);
    const t: TraceGroup = { id: g.id, kind: g.kind, name, parent: g.parent === null ? null : g.parent.id, call: null };
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
    if (g.tensor !== null) t.tensor = traceTensor(g.tensor);
    return t;
  });
}

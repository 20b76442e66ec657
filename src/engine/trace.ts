// the trace of one backward() call as plain data: what `trace --json` prints and the panel draws.
// contract: for every update, after = before + local * upstream of its step (and upstream is the
// node's final grad when all grads were zero before the pass).

import type { SourceLoc } from "./value";
import type { BackwardCall } from "./recorder";
import type { Group, GroupKind } from "./group";
import { CUSTOM } from "./ops";

export interface TraceUpdate {
  child: number;
  /** d(node)/d(child), recorded at forward time */
  local: number;
  /** child's grad before this update */
  before: number;
  /** before + local * upstream */
  after: number;
}

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

export interface TraceStep {
  node: number;
  /** d(root)/d(node) within this pass */
  upstream: number;
  /** one per child, in child order (a child used twice appears twice) */
  updates: TraceUpdate[];
}

export interface TraceNode {
  id: number;
  label: string;
  op: string;
  data: number;
  /** grad after the pass */
  grad: number;
  /** grad before the pass; null when the pass was not recorded */
  gradBefore: number | null;
  children: number[];
  /** d(this)/d(child) per child */
  locals: number[];
  module?: string;
  /** a hand-written op (manualGrad): its op is a name, not a formula */
  custom?: true;
  /** a leaf's d(root)/d(leaf) by central difference on this pass's values (numericCheck.ts) */
  numeric?: number;
  /** the numeric check went through a hand-written op, linearised with its own locals */
  linearized?: true;
  /** id of the innermost group (in Trace.groups) the value was made in */
  group?: number;
  loc?: SourceLoc;
}

/** a group of values: a module's parameters or one call of it, a loss, a term, a sum */
export interface TraceGroup {
  id: number;
  kind: GroupKind;
  /** "MLP", "layer 2", "neuron 1", "mse", "term 3", "sum" */
  name: string;
  /** the enclosing group, null at the top */
  parent: number | null;
  /** which call of its module this is, 1, 2, … in this graph (sample 3 of a model); null for parameters and helpers */
  call: number | null;
  /** the module it belongs to, as the id of that module's parameters group (calls and parameters share it) */
  owner?: number;
  /** the module path of its values ("MLP/L1/N2") */
  module?: string;
}

export interface Trace {
  /** which backward() call of the process this was (0, 1, …) */
  index: number;
  root: number;
  /** some grad was non-zero before the pass, so grads were added to (backward twice, no zeroGrad) */
  accumulated: boolean;
  /** false when recording was off: no steps, and data/grad are read live rather than from the pass */
  recorded: boolean;
  /** every value reachable from root exactly once, leaves first */
  nodes: TraceNode[];
  /** in the order backward ran them: one per node with children */
  steps: TraceStep[];
  /** every group a node is in, and their ancestors, parents before children */
  groups: TraceGroup[];
  /** leaves whose numeric check was left for the panel to finish (a big graph); absent when all are checked */
  numericPending?: number;
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

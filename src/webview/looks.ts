// what each thing drawn on the graph says and how it is marked, at a moment of the training step:
// backward (each grad at the step, the node being run, the inputs it updates, the local derivatives
// on its edges), forward (the values computed so far, the one computed now, the numbers flowing
// into it) or the update (each parameter's data before and after the step). pure: the graph view
// asks and draws the answer.
import type { TraceNode } from "../engine/trace";
import type { UpdateRecord } from "../engine/types";
import type { Box } from "./groupTree";
import { fmt } from "./format";
import type { BoxSpan, RunFacts } from "./runFacts";
import type { Stepper } from "./stepper";
import { gradText, type Cells } from "./unitSize";

/** how a value drawn as itself looks */
export interface ValueLook {
  /** state classes: current, updated, processed, pending, nonfinite */
  classes: string[];
  data: string;
  grad: string;
}

/** what the table shows at the pass's position (each phase's look works it out) */
export interface TableMoment {
  /** a value's grad as text: a number, or "–" before the backward pass */
  grad: (id: number) => string;
  /** a value's data as text where the phase shows other than the script's (forward: "?" not yet computed) */
  data?: (id: number) => string | undefined;
  /** the value the pass is at */
  current: number | undefined;
  /** the values it changes now */
  updated: ReadonlySet<number>;
}

export interface Look {
  value(n: TraceNode): ValueLook;
  /** the values table at this moment */
  table: TableMoment;
  /** what a tensor's grid shows at this moment */
  cells: Cells;
  /** the value's op node and its edges: whether it is the one worked now, and the label of its input edge k */
  op(n: TraceNode): { current: boolean; edge(k: number): string };
  /** a closed box: its state classes and the line that says what flows out of it */
  box(b: Box, holds: (id: number) => boolean): { classes: string[]; out: string };
}

const spanState = (span: BoxSpan | undefined, pos: number) => (span && pos > span.last ? "done" : span && pos > span.first ? "active" : "");

/** the backward pass at the stepper's position */
export function backwardLook(f: RunFacts, stepper: Stepper): Look {
  const step = stepper.current;
  const pos = stepper.position;
  const updated = new Map<number, { before: number; after: number }>();
  for (const u of step?.updates ?? []) {
    const prior = updated.get(u.child);
    updated.set(u.child, { before: prior ? prior.before : u.before, after: u.after });
  }
  return {
    table: { grad: (id) => fmt(stepper.grad(id), 6), current: step?.node, updated: new Set(updated.keys()) },
    cells: { what: "grad", of: (id) => stepper.grad(id) },
    value(n) {
      const change = updated.get(n.id);
      const si = f.stepIndex.get(n.id);
      return {
        classes: [
          step?.node === n.id ? "current" : "",
          change ? "updated" : "",
          si !== undefined && si < pos - 1 ? "processed" : "",
          !Number.isFinite(n.data) || !Number.isFinite(stepper.grad(n.id)) ? "nonfinite" : "",
        ],
        data: `data ${fmt(n.data)}`,
        grad: change ? gradText(change.before, change.after) : gradText(stepper.grad(n.id)),
      };
    },
    op(n) {
      const current = step?.node === n.id;
      return { current, edge: (k) => (current ? `∂ ${fmt(step!.updates[k].local)}` : "") };
    },
    box(b, holds) {
      const holdsCurrent = step !== undefined && holds(step.node);
      const holdsUpdated = step !== undefined && step.updates.some((x) => holds(x.child));
      return {
        classes: [holdsCurrent ? "current" : holdsUpdated ? "updated" : "", spanState(f.spans.get(b.key), pos)],
        out: outGrad(b.outputs, (id) => stepper.grad(id)),
      };
    },
  };
}

/** what flows out of a closed box: the grad of its one output, or the largest over several */
function outGrad(outputs: number[], grad: (id: number) => number): string {
  if (outputs.length === 0) return "";
  if (outputs.length === 1) return gradText(grad(outputs[0]));
  let most = 0;
  for (const id of outputs) most = Math.max(most, Math.abs(grad(id)));
  // before the pass reaches a box its outputs' grads are all 0: "|grad| ≤ 0" would say it in riddles
  return most === 0 ? "grads 0" : `|grad| ≤ ${fmt(most)}`;
}

/** the forward pass after `fstep` values have been computed: the rest have no data yet, and no value has a grad */
export function forwardLook(f: RunFacts, fstep: number): Look {
  const currentId = fstep > 0 ? f.forwardOrder[fstep - 1] : undefined;
  const current = currentId === undefined ? undefined : f.nodes.get(currentId)!;
  const done = (n: TraceNode) => n.children.length === 0 || (f.forwardIndex.get(n.id) ?? 0) < fstep;
  const inputs = new Set(current?.children ?? []);
  return {
    table: {
      grad: () => "–",
      data: (id) => (done(f.nodes.get(id)!) ? undefined : "?"),
      current: currentId,
      updated: inputs,
    },
    cells: {
      what: "data",
      of: (id) => {
        const n = f.nodes.get(id)!;
        return done(n) ? n.data : undefined;
      },
    },
    value(n) {
      const computed = done(n);
      return {
        classes: [
          n.id === currentId ? "current" : "",
          inputs.has(n.id) ? "input" : "",
          computed ? "" : "pending",
          computed && !Number.isFinite(n.data) ? "nonfinite" : "",
        ],
        data: computed ? `data ${fmt(n.data)}` : "data ?",
        grad: "grad –",
      };
    },
    op(n) {
      const isCurrent = n.id === currentId;
      // the numbers flowing into the value computed now
      return { current: isCurrent, edge: (k) => (isCurrent ? fmt(f.nodes.get(n.children[k])!.data) : "") };
    },
    box(b, holds) {
      const outs = b.outputs.map((id) => f.nodes.get(id)!);
      const computed = outs.filter(done);
      const out =
        outs.length === 1 ? (computed.length ? `data ${fmt(outs[0].data)}` : "data ?") : `${computed.length} of ${outs.length} computed`;
      return {
        classes: [currentId !== undefined && holds(currentId) ? "current" : "", spanState(f.forwardSpans.get(b.key), fstep)],
        out,
      };
    },
  };
}

/** the update after this backward(): each parameter's data before → after, marked by the size and sign of its change */
export function updateLook(f: RunFacts, update: UpdateRecord): Look {
  const moved = new Map(update.params.map((p) => [p.id, p]));
  const biggest = Math.max(0, ...update.params.map((p) => Math.abs(p.after - p.before)));
  return {
    table: {
      grad: (id) => fmt(f.nodes.get(id)!.grad, 6),
      data: (id) => {
        const p = moved.get(id);
        return p ? `${fmt(p.before)} → ${fmt(p.after)}` : undefined;
      },
      current: undefined,
      updated: new Set(moved.keys()),
    },
    cells: { what: "data", of: (id) => moved.get(id)?.after ?? f.nodes.get(id)!.data },
    value(n) {
      const p = moved.get(n.id);
      if (!p)
        return {
          classes: [update.params.length ? "processed" : "", Number.isFinite(n.data) ? "" : "nonfinite"],
          data: `data ${fmt(n.data)}`,
          grad: gradText(n.grad),
        };
      const change = p.after - p.before;
      // the largest changes stand out: a thick border for the top third of |change|
      const big = biggest > 0 && Math.abs(change) >= biggest / 3;
      return {
        classes: [change > 0 ? "rose" : change < 0 ? "fell" : "", big ? "moved-most" : "", Number.isFinite(p.after) ? "" : "nonfinite"],
        data: `data ${fmt(p.before)} → ${fmt(p.after)}`,
        grad: gradText(p.grad),
      };
    },
    op: () => ({ current: false, edge: () => "" }),
    box(b, holds) {
      const inside = update.params.filter((p) => holds(p.id));
      return { classes: [inside.length ? "updated" : ""], out: inside.length ? `${inside.length} moved` : "none moved" };
    },
  };
}

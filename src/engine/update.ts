// what happened to a graph's leaves after its backward(): the update of a training step. two kinds:
//
//   an optimizer's step (sgd.ts, adam.ts) says what it did, with its own numbers (lr, momentum,
//   velocity; adam's moments), as it does it: optimizerStep() below
//   the script's own assignment (p.data -= lr * p.grad) is seen by comparing each leaf's data when
//   the window closes with its data when backward ran (the tape has it): no setter on Value.data,
//   so a training loop's hot path does not change
//
// the window opens when a watched call's backward() ends and closes at the next graph's first value
// (the next Value made, see value.ts) or the end of the run. an optimizer's step still counts after
// that, up to the next backward(): a script may evaluate its model between backward() and step().
// values made while quiet (showDecision's picture) do not close it.
//
// one call is watched at a time: the runner watches the calls it may draw, so a call it will not
// draw costs nothing here.

import type { BackwardCall, Node, ParamUpdate, UpdateRecord, UpdateRule } from "./types";

/** true while a watched call's window is open and no quiet section runs: the Value constructor reads it */
export let watching = false;

/** the watch whose window is open */
let open: UpdateWatch | null = null;
/** the watch an optimizer's step goes to: the latest watched call, until the next backward() */
let latest: UpdateWatch | null = null;
/** quiet sections running (they nest) */
let quiet = 0;

/** a number and a data value are the same (NaN is the same as NaN) */
function same(a: number, b: number): boolean {
  return a === b || (a !== a && b !== b);
}

/** an optimizer's record of one step, for the watched call: its numbers, and each param it moved */
export interface StepRecord {
  /** p moved from before to after with this grad; fields are the optimizer's own (velocity, m, v…) */
  param(p: Node, before: number, after: number, grad: number, fields?: Partial<ParamUpdate>): void;
}

/** what happens to one call's leaves after its backward(); read it with result() */
export class UpdateWatch implements StepRecord {
  /** positions in the order of the leaves whose data had changed when the window closed, and that data */
  private changedAt: number[] | null = null;
  private changedData: number[] = [];
  /** the first optimizer that stepped: its rule and numbers */
  private optimizer: Pick<UpdateRecord, "rule" | "lr" | "momentum" | "beta1" | "beta2" | "eps" | "t"> | null = null;
  /** what the optimizers did to each param, and whether the step came after the window closed */
  private readonly moved = new Map<Node, { rec: ParamUpdate; late: boolean }>();
  /** the order's first mark when the call ended: v sits at v._mark - base, unless a later sort moved it */
  private readonly base: number;
  private leafIndex: Map<Node, number> | null = null;

  constructor(private readonly call: BackwardCall) {
    this.base = call.order.length > 0 ? call.order[0]._mark : 0;
  }

  /** the window closes: which leaves' data differ from the data backward ran with */
  close(): void {
    if (this.changedAt !== null) return;
    const { order, data, leaves } = this.call;
    const at: number[] = [];
    if (data !== null && leaves !== null) {
      for (let j = 0; j < leaves.length; j++) {
        const i = leaves[j];
        const d = order[i].data;
        if (!same(d, data[i])) {
          at.push(i);
          this.changedData.push(d);
        }
      }
    }
    this.changedAt = at;
  }

  /** @internal an optimizer starts a step: the first names the rule */
  begin(numbers: Pick<UpdateRecord, "rule" | "lr" | "momentum" | "beta1" | "beta2" | "eps" | "t">): void {
    // a second step of the same kind in one window: its numbers are the latest
    if (this.optimizer === null || this.optimizer.rule === numbers.rule) this.optimizer = numbers;
  }

  param(p: Node, before: number, after: number, grad: number, fields?: Partial<ParamUpdate>): void {
    const had = this.moved.get(p);
    // a second step in one window: from the first step's before to the last one's after
    const rec: ParamUpdate = { id: p.id, before: had === undefined ? before : had.rec.before, after, grad, ...fields };
    this.moved.set(p, { rec, late: had?.late ?? this.changedAt !== null });
  }

  /** the update so far (final once the window has closed and the next backward() has begun, or the run ended) */
  result(): UpdateRecord | undefined {
    const { order, data, gradAfter } = this.call;
    if (data === null) return undefined;
    const rule: UpdateRule = this.optimizer?.rule ?? "script";
    const params: ParamUpdate[] = [];
    const at = this.changedAt ?? [];
    for (let k = 0; k < at.length; k++) {
      const i = at[k];
      const v = order[i];
      const after = this.changedData[k];
      const byOptimizer = this.moved.get(v);
      if (byOptimizer !== undefined && !byOptimizer.late) {
        const rec = { ...byOptimizer.rec, after };
        if (!same(after, byOptimizer.rec.after)) rec.script = true;
        params.push(rec);
      } else {
        const rec: ParamUpdate = { id: v.id, before: data[i], after, grad: gradAfter === null ? v.grad : gradAfter[i] };
        if (rule !== "script") rec.script = true;
        params.push(rec);
      }
    }
    // steps after the window closed, on this graph's leaves
    for (const [v, { rec, late }] of this.moved) if (late && !same(rec.before, rec.after) && this.has(v)) params.push(rec);
    if (params.length === 0 && this.optimizer === null) return undefined;
    params.sort((a, b) => a.id - b.id);
    return { ...this.optimizer, rule, params };
  }

  /** v is a leaf of this call's graph */
  private has(v: Node): boolean {
    const order = this.call.order;
    const i = v._mark - this.base;
    if (i >= 0 && i < order.length && order[i] === v) return true;
    // a later sort renumbered v: look it up
    if (this.leafIndex === null) {
      this.leafIndex = new Map();
      for (const j of this.call.leaves ?? []) this.leafIndex.set(order[j], j);
    }
    return this.leafIndex.has(v);
  }
}

/**
 * starts watching what happens to call's leaves after its backward() (the runner calls it from its
 * backward() listener, for a recorded call it may draw). ends the watch before it.
 */
export function watchUpdate(call: BackwardCall): UpdateWatch {
  endUpdateWatch();
  const w = new UpdateWatch(call);
  open = latest = w;
  watching = quiet === 0;
  return w;
}

/** the run is over: the open window closes on the data as it is now, and optimizer steps stop counting */
export function endUpdateWatch(): void {
  if (open !== null) open.close();
  open = latest = null;
  watching = false;
}

/** @internal the Value constructor, when `watching`: the next graph's first value closes the window */
export function firstValue(): void {
  if (open !== null) open.close();
  open = null;
  watching = false;
}

/** @internal backward() begins: the watch before it ends (a graph backpropagated twice made no new value) */
export function backwardStarting(): void {
  if (latest !== null) endUpdateWatch();
}

/**
 * @internal an optimizer is about to step: the record to report each param to, or null when no
 * call's update is watched (then the step costs one check)
 */
export function optimizerStep(
  numbers: Pick<UpdateRecord, "rule" | "lr" | "momentum" | "beta1" | "beta2" | "eps" | "t">,
): StepRecord | null {
  if (latest === null) return null;
  latest.begin(numbers);
  return latest;
}

/** runs fn without closing the window: the values it makes are not the next graph's (showDecision's picture) */
export function quietly<T>(fn: () => T): T {
  quiet++;
  watching = false;
  try {
    return fn();
  } finally {
    quiet--;
    watching = quiet === 0 && open !== null;
  }
}

// what a training step adds to its backward() call, beyond the graph: the update after it (which
// leaves moved, by which rule, with the optimizer's numbers), the numbers the script tracked for it,
// and the picture showDecision made for it. the worker keeps the numbers of every call, but the
// update and the picture only of the call it may draw: the rest would cost time and size for nothing.
import type { BackwardCall } from "../engine/recorder";
import type { Decision, UpdateRecord } from "../engine/types";
import { endUpdateWatch, watchUpdate, type UpdateWatch } from "../engine/update";
import { setTrackListener } from "../engine/track";
import { setDecisionListener } from "../engine/decision";
import type { BackwardSummary, RunResult } from "../shared/protocol";

/** distinct names a run may track; more are left out, with a warning */
export const MAX_METRICS = 20;
/** a tracked name is cut to this many characters */
export const METRIC_NAME_MAX = 100;

export class TrainingStep {
  /** numbers tracked for a call whose summary is not there yet (before the first backward()) */
  private readonly early = new Map<number, Record<string, number>>();
  private readonly names = new Set<string>();
  private warned = false;
  private watched: { call: number; watch: UpdateWatch } | null = null;
  private shown: { call: number; render: () => Decision } | null = null;
  private picture: { call: number; decision: Decision | undefined } | null = null;

  constructor(
    /** the run's call summaries, in order; the numbers tracked are added to them */
    private readonly calls: readonly BackwardSummary[],
    /** the call the panel asked for, else the latest recorded one is drawn */
    private readonly captureCall: number | undefined,
    /** the script's console, for what the run leaves out */
    private readonly warn: (text: string) => void,
  ) {
    setTrackListener((name, value, call) => this.track(name, value, call));
    setDecisionListener((call, render) => {
      if (this.captureCall === undefined || call === this.captureCall) this.shown = { call, render };
    });
  }

  /** a backward() call, before its summary is sent: what was tracked for it already, and its update watched when it may be drawn */
  called(call: BackwardCall, summary: BackwardSummary, drawable: boolean): void {
    const early = this.early.get(call.index);
    if (early !== undefined) {
      summary.metrics = early;
      this.early.delete(call.index);
    }
    if (drawable) this.watched = { call: call.index, watch: watchUpdate(call) };
  }

  /** the run is over (or ends now): the drawn call's parts, with its update on its trace and its picture beside it */
  around(call: BackwardCall, parts: Pick<RunResult, "trace" | "tooBig">): Pick<RunResult, "trace" | "tooBig" | "decision"> {
    endUpdateWatch();
    const update: UpdateRecord | undefined = this.watched?.call === call.index ? this.watched.watch.result() : undefined;
    const decision = this.decisionOf(call.index);
    return {
      ...parts,
      ...(parts.trace && update ? { trace: { ...parts.trace, update } } : {}),
      ...(decision ? { decision } : {}),
    };
  }

  private decisionOf(index: number): Decision | undefined {
    if (this.picture?.call === index) return this.picture.decision;
    const shown = this.shown;
    if (shown === null || shown.call !== index) return undefined;
    let decision: Decision | undefined;
    try {
      decision = shown.render();
    } catch (e) {
      this.warn(`showDecision: the model failed on the plane (${e instanceof Error ? e.message : String(e)}); no picture is shown\n`);
    }
    this.picture = { call: index, decision };
    return decision;
  }

  private track(name: string, value: number, call: number): void {
    const key = name.length > METRIC_NAME_MAX ? name.slice(0, METRIC_NAME_MAX - 1) + "…" : name;
    if (!this.names.has(key)) {
      if (this.names.size >= MAX_METRICS) {
        if (!this.warned) this.warn(`track: a run keeps up to ${MAX_METRICS} names; "${key}" and later new names are left out\n`);
        this.warned = true;
        return;
      }
      this.names.add(key);
    }
    const summary = this.summaryOf(call);
    let metrics = summary?.metrics ?? this.early.get(call);
    if (metrics === undefined) {
      metrics = {};
      if (summary !== undefined) summary.metrics = metrics;
      else this.early.set(call, metrics);
    }
    // a name such as "__proto__" is a name like any other
    Object.defineProperty(metrics, key, { value, enumerable: true, writable: true, configurable: true });
  }

  /** the summary of call `index`, when it has been made (calls are in order, and the latest is the one asked for) */
  private summaryOf(index: number): BackwardSummary | undefined {
    for (let i = this.calls.length - 1; i >= 0; i--) {
      const s = this.calls[i];
      if (s.index === index) return s;
      if (s.index < index) return undefined;
    }
    return undefined;
  }
}

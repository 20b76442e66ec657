// what `backprop-stepper trace` prints for a run: the drawn call's steps, the update after it and
// the numbers the script tracked per call; as tables, or as one JSON object (`--json`).

import { toJson } from "../engine/json";
import type { ParamUpdate, Trace, UpdateRecord } from "../engine/types";
import type { BackwardSummary, RunResult } from "../shared/protocol";
import { columns, formatNumber, formatTraceTable, terminalSafe } from "./traceTable";
import { formatTensorOps } from "./tensorOps";

/** one backward() call of the run in `trace --json`: its loss and what the script tracked for it */
export interface CallJson {
  index: number;
  loss: number;
  metrics: Record<string, number>;
}

/** the trace with the run's calls, as `trace --json` prints it (the trace carries its update) */
export function traceJson(trace: Trace, result: Pick<RunResult, "calls" | "decision">): Trace & { calls: CallJson[] } {
  const calls = result.calls.map((c) => ({ index: c.index, loss: c.loss, metrics: c.metrics ?? {} }));
  return { ...trace, ...(result.decision ? { decision: result.decision } : {}), calls };
}

/** what `trace` prints on stdout for a run with a drawn trace */
export function traceOutput(trace: Trace, result: Pick<RunResult, "calls" | "decision">, json: boolean): string {
  if (json) return toJson(traceJson(trace, result));
  const tensors = formatTensorOps(trace);
  const parts = tensors === "" ? [formatTraceTable(trace)] : [tensors, formatTraceTable(trace)];
  const names = new Map<number, string>();
  for (const n of trace.nodes) names.set(n.id, n.label === "" ? `#${n.id}` : `${terminalSafe(n.label)}#${n.id}`);
  if (trace.update) parts.push(formatUpdate(trace.update, trace.index, (id) => names.get(id) ?? `#${id}`));
  const metrics = formatMetrics(result.calls);
  if (metrics !== "") parts.push(metrics);
  return parts.join("\n\n");
}

const RULE_TITLE: Record<UpdateRecord["rule"], string> = { sgd: "sgd", adam: "adam", script: "the script's own assignment" };

/** the optimizer's per-param numbers, in the order shown: [field, column title] */
const PARAM_FIELDS: [keyof ParamUpdate, string][] = [
  ["velocity", "velocity"],
  ["m", "m"],
  ["v", "v"],
  ["mHat", "mHat"],
  ["vHat", "vHat"],
  ["step", "step"],
];

/** the update after call `index`: its rule and numbers, then per param before, after, grad and the optimizer's own */
export function formatUpdate(update: UpdateRecord, index: number, name: (id: number) => string): string {
  const numbers = (["lr", "momentum", "beta1", "beta2", "eps", "t"] as const)
    .filter((k) => update[k] !== undefined)
    .map((k) => `${k} ${formatNumber(update[k]!)}`);
  const lines = [`update after backward call ${index}: ${[RULE_TITLE[update.rule], ...numbers].join(", ")}`];
  if (update.params.length === 0) {
    lines.push("no leaf of this graph moved");
    return lines.join("\n");
  }
  const extra = PARAM_FIELDS.filter(([k]) => update.params.some((p) => p[k] !== undefined));
  const byScript = update.rule !== "script" && update.params.some((p) => p.script);
  const rows: string[][] = [["param", "before", "after", "grad", ...extra.map(([, title]) => title), ...(byScript ? ["by"] : [])]];
  for (const p of update.params) {
    rows.push([
      name(p.id),
      formatNumber(p.before),
      formatNumber(p.after),
      formatNumber(p.grad),
      ...extra.map(([k]) => (p[k] === undefined ? "" : formatNumber(p[k] as number))),
      ...(byScript ? [p.script ? "script" : update.rule] : []),
    ]);
  }
  lines.push(...columns(rows, [false, true, true, true, ...extra.map(() => true), false]));
  return lines.join("\n");
}

/** the loss and the tracked numbers of every call, when the script tracked any; "" otherwise */
export function formatMetrics(calls: readonly BackwardSummary[]): string {
  const names: string[] = [];
  for (const c of calls) for (const k of Object.keys(c.metrics ?? {})) if (!names.includes(k)) names.push(k);
  if (names.length === 0) return "";
  const rows: string[][] = [["call", "loss", ...names.map(terminalSafe)]];
  for (const c of calls) {
    const m = c.metrics ?? {};
    rows.push([String(c.index), formatNumber(c.loss), ...names.map((k) => (Object.hasOwn(m, k) ? formatNumber(m[k]) : ""))]);
  }
  return ["tracked per call (track(name, value)):", ...columns(rows, [true, true, ...names.map(() => true)])].join("\n");
}

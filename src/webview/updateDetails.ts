// the details pane in the Update phase: what the optimizer (or the script) did to the parameters
// after this backward(), the rule with its numbers for each, the largest changes first; whether the
// grads started from zero; and whether the next call's loss went down.
import type { ParamUpdate, UpdateRecord } from "../engine/types";
import type { BackwardSummary } from "../shared/protocol";
import { button, el } from "./dom";
import { fmt } from "./format";
import { nameOf } from "./names";
import type { RunFacts } from "./runFacts";

/** rows of the table before "… and N more" */
const ROWS = 12;

/** the rule of the step in words, with its settings */
export function ruleText(u: UpdateRecord): string {
  switch (u.rule) {
    case "sgd":
      return u.momentum
        ? `SGD with momentum: v ← ${fmt(u.momentum)}·v + grad, then p ← p − ${fmt(u.lr ?? NaN)}·v`
        : `SGD: p ← p − ${fmt(u.lr ?? NaN)}·grad`;
    case "adam":
      return `Adam (lr ${fmt(u.lr ?? NaN)}, β1 ${fmt(u.beta1 ?? NaN)}, β2 ${fmt(u.beta2 ?? NaN)}, ε ${fmt(u.eps ?? NaN, 2)}, step ${u.t ?? "?"}): p ← p − lr·m̂ / (√v̂ + ε)`;
    case "script":
      return "The script's own update (an assignment such as p.data -= lr * p.grad)";
  }
}

/** one parameter's step, with its numbers: "0.5 − 0.1 × 0.3 = 0.47" */
export function stepText(u: UpdateRecord, p: ParamUpdate): string {
  const lr = u.lr ?? NaN;
  if (p.script || u.rule === "script") return `${fmt(p.before)} → ${fmt(p.after)} (grad ${fmt(p.grad)})`;
  if (u.rule === "sgd" && u.momentum && p.velocity !== undefined)
    return `v = ${fmt(p.velocity)}; ${fmt(p.before)} − ${fmt(lr)} × ${fmt(p.velocity)} = ${fmt(p.after)}`;
  if (u.rule === "sgd") return `${fmt(p.before)} − ${fmt(lr)} × ${fmt(p.grad)} = ${fmt(p.after)}`;
  return `m = ${fmt(p.m ?? NaN)}, v = ${fmt(p.v ?? NaN)}, m̂ = ${fmt(p.mHat ?? NaN)}, v̂ = ${fmt(p.vHat ?? NaN)}; ${fmt(p.before)} − ${fmt(p.step ?? NaN)} = ${fmt(p.after)}`;
}

/** did the next call's loss go down: "0.4410 → 0.3802 at the next call: lower" */
export function lossText(calls: readonly BackwardSummary[], index: number): string | undefined {
  const at = calls.findIndex((c) => c.index === index);
  const now = calls[at];
  const next = calls[at + 1];
  if (!now || !next) return undefined;
  const verdict = next.loss < now.loss ? "lower: the step helped" : next.loss > now.loss ? "higher: the step did not help" : "the same";
  return `Loss ${fmt(now.loss)} at this call, ${fmt(next.loss)} at the next: ${verdict}.`;
}

export function renderUpdate(pane: HTMLElement, f: RunFacts, calls: readonly BackwardSummary[], find: (id: number) => void): void {
  const u = f.trace.update;
  if (!u) {
    pane.replaceChildren(el("h3", {}, "Update"), el("p", { class: "muted" }, "Nothing changed the parameters after this backward()."));
    return;
  }
  const rows = new Map(f.rows().map((r) => [r.id, r]));
  const params = u.params.slice().sort((a, b) => Math.abs(b.after - b.before) - Math.abs(a.after - a.before));
  const lines = params.slice(0, ROWS).map((p) => {
    const n = f.nodes.get(p.id)!;
    // where it lives, without the model's own name: "layer 1 › neuron 2 › b"
    const where = (rows.get(p.id)?.path ?? "").split(" › ").slice(1).join(" › ");
    const name = button(where ? `${where} › ${nameOf(n)}` : nameOf(n), "Show it on the graph", "", () => find(p.id));
    name.className = "link name";
    const change = p.after - p.before;
    return el(
      "tr",
      {},
      el("td", {}, name),
      el("td", { class: "num" }, `${change > 0 ? "+" : ""}${fmt(change)}`),
      el("td", { class: "rule" }, stepText(u, p)),
    );
  });
  const zeroed = f.trace.accumulated
    ? "The grads were not zero when this backward() began: they had accumulated, so the step used more than this pass's gradient."
    : "The grads started from zero in this backward(), so the step used this pass's gradient.";
  const loss = lossText(calls, f.trace.index);
  pane.replaceChildren(
    el("h3", {}, `Update after this backward(): ${u.params.length} parameter${u.params.length === 1 ? "" : "s"} moved`),
    el("p", { class: "formula", id: "update-rule" }, ruleText(u)),
    el("p", { class: "muted" }, zeroed),
    loss ? el("p", { id: "next-loss" }, loss) : "",
    el(
      "table",
      { class: "update-table", id: "update-table" },
      el("thead", {}, el("tr", {}, el("th", {}, "parameter"), el("th", {}, "change"), el("th", {}, "step"))),
      el("tbody", {}, ...lines),
    ),
    params.length > ROWS ? el("p", { class: "muted" }, `… and ${params.length - ROWS} more, smaller changes`) : "",
  );
}

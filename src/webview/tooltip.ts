// what hovering shows: a value's numbers and origin, or a box's contents and what flows out of it
import { el } from "./dom";
import { countOf, fmt } from "./format";
import { boxTitle, describeBox, describePath } from "./groupTree";
import type { RunFacts } from "./runFacts";
import type { Stepper } from "./stepper";
import { nameOf } from "./names";
import { wrap } from "./details";
import { disagrees } from "../engine/numericCheck";
import type { TraceNode } from "../engine/trace";

export function valueTip(facts: RunFacts, s: Stepper, id: number, locatedLimit: number | undefined): string[] {
  const n = facts.nodes.get(id)!;
  const step = s.trace.steps[s.stepIndex.get(id) ?? -1];
  const lines = [
    n.label ? `${n.label}  (#${n.id})` : `#${n.id}`,
    `op: ${n.op || "leaf"}`,
    `data: ${fmt(n.data, 8)}`,
    `grad now: ${fmt(s.grad(id), 8)}`,
    `grad at the end: ${fmt(n.grad, 8)}`,
  ];
  // a value used more than once: what each use sent it
  if (facts.shares.shared(id) || n.gradBefore) lines.push(`  = ${facts.shares.sum(id, facts.nodes)}`);
  if (step) for (const u of step.updates) lines.push(`local ∂/∂${wrap(nameOf(facts.nodes.get(u.child)!))}: ${fmt(u.local, 8)}`);
  if (n.children.length === 0 && s.trace.recorded) lines.push(numericLine(n));
  const path = describePath(facts.tree, id);
  if (path) lines.push(`in ${path}`);
  if (n.loc) {
    const where = n.loc.file ? `${n.loc.file.split(/[\\/]/).pop()}:${n.loc.line}` : `line ${n.loc.line}`;
    lines.push(`created at ${where} (click to go there)`);
  } else if (locatedLimit) {
    lines.push(`line not recorded: only the first ${locatedLimit.toLocaleString("en-US")} values of a run record theirs`);
  }
  return lines;
}

/** a leaf's grad beside its finite difference */
export function numericLine(n: TraceNode): string {
  if (n.numeric === undefined) return "numeric check: still running…";
  const through = n.linearized ? " (through a hand-written op, linearised)" : "";
  const verdict = disagrees(n.grad, n.numeric) ? "✗ differs from the grad" : "✓ agrees";
  return `numeric check: ${fmt(n.numeric, 8)} ${verdict}${through}`;
}

export function boxTip(facts: RunFacts, s: Stepper, key: number): string[] {
  const b = facts.tree.boxes[key];
  const lines = [boxTitle(b), countOf(b.size)];
  const parent = describeBox(facts.tree, b.parent);
  if (parent) lines.push(`in ${parent}`);
  const shown = b.outputs.slice(0, 6);
  for (const id of shown) lines.push(`${nameOf(facts.nodes.get(id)!)}: data ${fmt(facts.nodes.get(id)!.data)}, grad ${fmt(s.grad(id))}`);
  if (b.outputs.length > shown.length) lines.push(`… and ${b.outputs.length - shown.length} more outputs`);
  lines.push(b.kind === "series" ? "click to list them" : "click to open");
  return lines;
}

/** fills and places the tooltip element near the pointer */
export function showTip(tip: HTMLElement, lines: string[], x: number, y: number): void {
  tip.replaceChildren(...lines.map((l, i) => el("div", { class: i === 0 ? "title" : "" }, l)));
  tip.style.left = `${Math.max(4, Math.min(x + 14, window.innerWidth - 270))}px`;
  tip.style.top = `${Math.min(y + 14, window.innerHeight - 40)}px`;
  tip.classList.add("visible");
}

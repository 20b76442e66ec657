// what hovering shows: a value's numbers and origin, or a box's contents and what flows out of it
import { el } from "./dom";
import { countOf, fmt } from "./format";
import { boxTitle, describeBox, describePath } from "./groupTree";
import type { Session } from "./session";
import { nameOf } from "./unitSize";
import { wrap } from "./details";
import { disagrees } from "../engine/numericCheck";
import type { TraceNode } from "../engine/trace";

export function valueTip(session: Session, id: number, locatedLimit: number | undefined): string[] {
  const n = session.nodes.get(id)!;
  const s = session.stepper;
  const step = s.trace.steps[s.stepIndex.get(id) ?? -1];
  const lines = [
    n.label ? `${n.label}  (#${n.id})` : `#${n.id}`,
    `op: ${n.op || "leaf"}`,
    `data: ${fmt(n.data, 8)}`,
    `grad now: ${fmt(s.grad(id), 8)}`,
    `grad at the end: ${fmt(n.grad, 8)}`,
  ];
  // a value used more than once: what each use sent it
  if (session.shares.shared(id) || n.gradBefore) lines.push(`  = ${session.shares.sum(id, session.nodes)}`);
  if (step) for (const u of step.updates) lines.push(`local ∂/∂${wrap(nameOf(session.nodes.get(u.child)!))}: ${fmt(u.local, 8)}`);
  if (n.children.length === 0 && s.trace.recorded) lines.push(numericLine(n));
  const path = describePath(session.tree, id);
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

export function boxTip(session: Session, key: number): string[] {
  const b = session.tree.boxes[key];
  const s = session.stepper;
  const lines = [boxTitle(b), countOf(b.size)];
  const parent = describeBox(session.tree, b.parent);
  if (parent) lines.push(`in ${parent}`);
  const shown = b.outputs.slice(0, 6);
  for (const id of shown)
    lines.push(`${nameOf(session.nodes.get(id)!)}: data ${fmt(session.nodes.get(id)!.data)}, grad ${fmt(s.grad(id))}`);
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

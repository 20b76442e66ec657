// the name a value is shown by: the label the script gave it (or the variable it was assigned to),
// a constant by its number, and a value computed inside an expression by that expression, as the
// lecture writes it ("x1*w1", "x1*w1 + x2*w2", "tanh(n)"), shortened when long ("… + t300").
// pure: the names of a trace are worked out once (nameExpressions), when the page first meets it.
import type { Trace, TraceNode } from "../engine/trace";
import { fmt } from "./format";

/** longer names are cut with an ellipsis where a box has no room */
export const NAME_CHARS = 24;
/** an expression name longer than this shows its long inputs as "…" */
const EXPRESSION_MAX = 28;

const expressions = new WeakMap<TraceNode, string>();

/** the name a value is shown by: its label; a constant (an unlabelled leaf) by its value; else its expression, or its id */
export function nameOf(n: TraceNode): string {
  if (n.label) return n.label;
  if (n.children.length === 0) return fmt(n.data);
  return expressions.get(n) ?? `#${n.id}`;
}

export function shortName(name: string): string {
  return name.length > NAME_CHARS ? name.slice(0, NAME_CHARS - 1) + "…" : name;
}

const INFIX: Record<string, string> = { "+": " + ", "-": " - ", "*": "*", "/": "/" };
/** how tightly an expression's top op binds: a looser input is put in parentheses */
const BINDS: Record<string, number> = { "+": 1, "-": 1, "*": 2, "/": 2 };

/** names every unlabelled value of the trace with an op by its expression, inputs first (trace.nodes are in that order) */
export function nameExpressions(trace: Trace): void {
  const byId = new Map(trace.nodes.map((n) => [n.id, n]));
  for (const n of trace.nodes) {
    if (n.label || n.children.length === 0 || expressions.has(n)) continue;
    const kids = n.children.map((c) => byId.get(c)!);
    let name = expression(n, kids, (k) => nameOf(k));
    // too long: the inputs that are long expressions themselves show as "…"
    if (name.length > EXPRESSION_MAX) name = expression(n, kids, (k) => (nameOf(k).length > EXPRESSION_MAX / 2 ? "…" : nameOf(k)));
    expressions.set(n, name);
  }
}

/** op over its inputs' names, with parentheses where an input binds more loosely than the op */
function expression(n: TraceNode, kids: TraceNode[], name: (k: TraceNode) => string): string {
  const top = (k: TraceNode) => (k.label || k.children.length === 0 || !expressions.has(k) ? 3 : (BINDS[k.op] ?? 3));
  const wrap = (k: TraceNode, min: number) => {
    const s = name(k);
    return s !== "…" && top(k) < min ? `(${s})` : s;
  };
  const sym = INFIX[n.op];
  if (sym !== undefined && kids.length === 2) {
    const b = BINDS[n.op];
    // a - (b + c) and a/(b*c) keep their parentheses on the right
    const right = n.op === "-" || n.op === "/" ? b + 1 : b;
    return `${wrap(kids[0], b)}${sym}${wrap(kids[1], right)}`;
  }
  if (n.op.startsWith("**") && kids.length === 1) return `${wrap(kids[0], 3)}${n.op}`;
  return `${n.op}(${kids.map(name).join(", ")})`;
}

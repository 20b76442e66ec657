// the steps of a backward pass as an aligned text table, for the terminal (`backprop-stepper trace`).

import type { Trace, TraceNode } from "../engine/trace";
import { disagrees } from "../engine/numericCheck";
import { escapeControls } from "./terminalText";

/** up to 6 significant digits; exponent form for very large or small numbers; NaN and ±Infinity by name */
export function formatNumber(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "Infinity";
  if (x === -Infinity) return "-Infinity";
  if (x === 0) return "0";
  const a = Math.abs(x);
  if (a >= 1e6 || a < 1e-4) return x.toExponential(5).replace(/\.?0+e/, "e");
  return String(Number(x.toPrecision(6)));
}

/** a label in the table is cut to this many characters */
export const NAME_MAX = 40;

/**
 * a label as the terminal may print it: control characters (ESC, BEL, newlines: a label could
 * otherwise set the terminal's title or move the cursor) shown escaped, and cut to NAME_MAX
 */
export function terminalSafe(label: string): string {
  const cut = label.length > NAME_MAX ? label.slice(0, NAME_MAX - 1) + "…" : label;
  return escapeControls(cut);
}

const HEADER = ["step", "node", "op", "upstream", "child", "local", "grad before", "", "after"];
/** columns holding numbers are right-aligned */
const NUMERIC = [true, false, false, true, false, true, true, false, true];

export function formatTraceTable(trace: Trace): string {
  const byId = new Map<number, TraceNode>();
  for (const n of trace.nodes) byId.set(n.id, n);
  // an unlabelled leaf is a constant the engine lifted (x.mul(3)): it shows as its number
  const name = (id: number): string => {
    const n = byId.get(id);
    if (n === undefined) return `#${id}`;
    if (n.label !== "") return `${terminalSafe(n.label)}#${id}`;
    return n.children.length === 0 ? `${formatNumber(n.data)}#${id}` : `#${id}`;
  };

  const lines: string[] = [];
  lines.push(`backward call ${trace.index}: root ${name(trace.root)}, ${trace.nodes.length} values, ${trace.steps.length} steps`);
  if (trace.accumulated) {
    lines.push("note: some grads were not zero before this pass, so they were added to (backward() twice without zeroGrad()?)");
  }
  if (!trace.recorded) {
    lines.push("this pass was not recorded (setRecording(false)), so there are no steps to show");
    return lines.join("\n");
  }

  const rows: string[][] = [HEADER];
  trace.steps.forEach((step, s) => {
    step.updates.forEach((u, j) => {
      const head =
        j === 0 ? [String(s + 1), name(step.node), byId.get(step.node)?.op ?? "", formatNumber(step.upstream)] : ["", "", "", ""];
      rows.push([...head, name(u.child), formatNumber(u.local), formatNumber(u.before), "->", formatNumber(u.after)]);
    });
  });
  lines.push(...columns(rows, NUMERIC));

  // each leaf's grad beside its finite difference, on this pass's values
  const leaves = trace.nodes.filter((n) => n.children.length === 0 && n.numeric !== undefined);
  if (leaves.length > 0) {
    lines.push("", "numeric check: each leaf's grad beside (f(x+h) - f(x-h)) / 2h on this pass's values");
    const check: string[][] = [["leaf", "grad", "numeric", ""]];
    for (const n of leaves) {
      const verdict = disagrees(n.grad, n.numeric!) ? "DIFFERS" : n.linearized ? "ok (linearised)" : "ok";
      check.push([name(n.id), formatNumber(n.grad), formatNumber(n.numeric!), verdict]);
    }
    lines.push(...columns(check, [false, true, true, false]));
  }
  return lines.join("\n");
}

/** rows as aligned text columns, numbers right-aligned */
export function columns(rows: string[][], numeric: boolean[]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) =>
    r
      .map((cell, c) => (numeric[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join("  ")
      .trimEnd(),
  );
}

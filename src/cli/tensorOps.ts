// the tensor ops of a trace as lines for the terminal (`backprop-stepper trace`): each op with its
// name and shapes, as the panel draws it as one node (`matmul  X·W1  [4×2]·[2×4] → [4×4]`), a
// broadcast operand with the axes it was stretched along (its grad is summed over them).

import type { Trace, TraceTensor } from "../engine/types";
import { columns, terminalSafe } from "./traceTable";

const SIGN: Record<string, string> = { add: " + ", sub: " - ", mul: " * ", div: " / ", matmul: "·" };

/** "[4×3]"; "[]" for one number */
export function shapeShort(shape: readonly number[]): string {
  return `[${shape.join("×")}]`;
}

/** "[4×2]·[2×4] → [4×4]": the operands' shapes, the op between two, and the output's */
export function tensorShapes(t: TraceTensor): string {
  if (t.op === "tensor") return shapeShort(t.shape);
  const ins = t.inputs.map((i) => (i.number !== undefined ? String(i.number) : shapeShort(i.shape)));
  const joined = ins.length === 2 && SIGN[t.op] !== undefined ? ins.join(SIGN[t.op]) : ins.join(", ");
  return `${joined} → ${shapeShort(t.shape)}`;
}

/** "(b1 broadcast over axis 0)", or "" when no operand was broadcast */
function broadcastNote(t: TraceTensor): string {
  const notes = t.inputs
    .filter((i) => i.broadcast !== undefined && i.number === undefined)
    .map((i) => `${i.label === "" ? shapeShort(i.shape) : terminalSafe(i.label)} broadcast over axis ${i.broadcast!.join(" and ")}`);
  return notes.length === 0 ? "" : `(${notes.join("; ")})`;
}

/** the trace's tensor ops, one line each in the order the script made them; "" when it has none */
export function formatTensorOps(trace: Trace): string {
  const rows: string[][] = [];
  for (const g of trace.groups) {
    const t = g.tensor;
    if (t === undefined) continue;
    const name = t.op !== "tensor" && t.label !== "" ? `${t.label} = ${g.name}` : g.name;
    rows.push([t.op, terminalSafe(name), tensorShapes(t), broadcastNote(t)]);
  }
  if (rows.length === 0) return "";
  return [
    `tensor ops of backward call ${trace.index} (in the order the script made them):`,
    ...columns(rows, [false, false, false, false]).map((l) => `  ${l}`),
  ].join("\n");
}

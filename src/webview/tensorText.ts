// a tensor op as text: its shapes ("[4×2]·[2×4] → [4×4]"), and its numbers as a small grid that
// keeps its size at every step (the layout sizes boxes before anything is drawn). pure (no DOM).
import type { TraceTensor } from "../engine/types";
import { fmt } from "./format";

/** a grid shows up to this many rows and columns; a bigger tensor shows its min, mean and max */
export const GRID_MAX = 8;
/** a grid's cell, in characters (a space between cells included) */
export const CELL_CHARS = 8;

const SYMBOL: Record<string, string> = { add: "+", sub: "−", mul: "⊙", div: "/", matmul: "·" };

/** "[4×2]", "[3]", "[]" */
export function shapeText(shape: readonly number[]): string {
  return `[${shape.join("×")}]`;
}

/** what an op takes and makes: "[4×2]·[2×4] → [4×4]", "sigmoid [4×4]", "sum over axis 0 [4×3] → [3]" */
export function shapeLine(t: TraceTensor): string {
  const out = shapeText(t.shape);
  if (t.op === "tensor") return out;
  const ins = t.inputs.map((i) => (i.number !== undefined ? fmt(i.number) : shapeText(i.shape)));
  const sym = SYMBOL[t.op];
  if (sym !== undefined && ins.length === 2) return `${ins[0]}${sym === "·" ? "·" : ` ${sym} `}${ins[1]} → ${out}`;
  const axis = t.axis !== undefined ? ` over axis ${t.axis}` : "";
  return `${opName(t)}${axis} ${ins.join(", ")} → ${out}`;
}

/** the op as the learner called it: "matmul", "sigmoid", "pow 2", "manual sigmoid" */
export function opName(t: TraceTensor): string {
  if (t.op.startsWith("manual:")) return `manual ${t.op.slice("manual:".length)}`;
  if (t.op === "pow" && t.exponent !== undefined) return `pow ${fmt(t.exponent)}`;
  return t.op;
}

/** rows and columns of a shape, as a matrix: [] is 1×1, [n] one row of n */
export function matrixSize(shape: readonly number[]): { rows: number; cols: number } {
  if (shape.length === 0) return { rows: 1, cols: 1 };
  if (shape.length === 1) return { rows: 1, cols: shape[0] };
  return { rows: shape[0], cols: shape[1] };
}

/** whether a shape is drawn as a grid of its numbers (else its min, mean and max) */
export function fitsGrid(shape: readonly number[]): boolean {
  const { rows, cols } = matrixSize(shape);
  return rows <= GRID_MAX && cols <= GRID_MAX;
}

/** a number in a cell: short, right-aligned, NaN and infinities as such */
export function cellText(x: number | undefined): string {
  const s = x === undefined ? "?" : short(x);
  // no-break spaces: a label's plain spaces may be trimmed, and the columns would not line up
  return s.padStart(CELL_CHARS, "\u00a0");
}

function short(x: number): string {
  if (!Number.isFinite(x) || x === 0) return fmt(x);
  const a = Math.abs(x);
  if (a >= 1e4 || a < 1e-3) return x.toExponential(1).replace("e+", "e");
  return String(Number(x.toFixed(a >= 100 ? 1 : 3)));
}

/** a tensor too big for a grid but no bigger than this many rows and columns is drawn as a heatmap */
export const HEAT_MAX = 64;
/** a heatmap's longer side, in px at most */
const HEAT_PX = 128;

/** a heatmap's size in px and its cell's, when the tensor is drawn as one */
export function heatSize(shape: readonly number[]): { w: number; h: number; cell: number } | undefined {
  if (fitsGrid(shape)) return undefined;
  const { rows, cols } = matrixSize(shape);
  if (rows > HEAT_MAX || cols > HEAT_MAX) return undefined;
  const cell = Math.max(2, Math.floor(HEAT_PX / Math.max(rows, cols)));
  return { w: cols * cell, h: rows * cell, cell };
}

/** the text lines a heatmap's picture takes, at `lineH` px a line */
export function heatLines(shape: readonly number[], lineH: number): number {
  const heat = heatSize(shape);
  return heat ? Math.ceil(heat.h / lineH) : 0;
}

/** how many lines the numbers take: the grid's rows; else the summary's two, under the heatmap if there is one */
export function gridLineCount(shape: readonly number[], lineH: number): number {
  return fitsGrid(shape) ? matrixSize(shape).rows : heatLines(shape, lineH) + 2;
}

/** the widest numbers line, in characters */
export function gridChars(shape: readonly number[]): number {
  return fitsGrid(shape) ? matrixSize(shape).cols * CELL_CHARS : 2 * CELL_CHARS + 6;
}

/**
 * the numbers of a tensor as lines: its grid, row by row; too big for a grid, its min and max and
 * its mean (under room for its heatmap). `numberOf` gives an element's number (undefined: not
 * computed yet)
 */
export function gridLines(
  shape: readonly number[],
  ids: readonly number[],
  numberOf: (id: number) => number | undefined,
  lineH: number,
): string[] {
  if (fitsGrid(shape)) {
    const { rows, cols } = matrixSize(shape);
    const lines: string[] = [];
    for (let r = 0; r < rows; r++) {
      let line = "";
      for (let c = 0; c < cols; c++) line += cellText(numberOf(ids[r * cols + c]));
      lines.push(line);
    }
    return lines;
  }
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let known = 0;
  for (const id of ids) {
    const x = numberOf(id);
    if (x === undefined) continue;
    known++;
    sum += x;
    if (x < min || Number.isNaN(x)) min = x;
    if (x > max || Number.isNaN(x)) max = x;
  }
  // the heatmap is drawn over blank lines above the summary
  const room = Array.from({ length: heatLines(shape, lineH) }, () => "\u00a0");
  if (known === 0) return [...room, "min ?  max ?", "mean ?"];
  return [...room, `min${cellText(min)}\u00a0\u00a0max${cellText(max)}`, `mean${cellText(sum / known)}`];
}

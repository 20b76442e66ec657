// how big each thing in the graph is drawn, from the text it will hold. pure (no DOM): the layout
// needs sizes before anything is drawn.
import type { Trace, TraceUpdate } from "../engine/trace";
import { countOf, fmt } from "./format";
import { nameOf, shortName } from "./names";
import { boxLabel, type Box } from "./groupTree";
import { gridChars, gridLineCount, gridLines, heatSize, shapeLine } from "./tensorText";

/** the graph's text size in px; at zoom z it reads as FONT_PX * z on screen */
export const FONT_PX = 12;
/** a monospace character's width at FONT_PX */
export const CHAR_W = 7.3;
export const LINE_H = 15;
export const OP_D = 30;
export const OP_GAP = 12;
const PAD_X = 14;
const PAD_Y = 10;
export function gradText(before: number, after?: number): string {
  return after === undefined ? `grad ${fmt(before)}` : `grad ${fmt(before)} → ${fmt(after)}`;
}

/** the widest line each value's box shows at any step of the pass, in characters; worked out when first asked */
export function widestLines(trace: Trace): (id: number) => number {
  const byId = new Map(trace.nodes.map((n) => [n.id, n]));
  const updates = new Map<number, TraceUpdate[]>();
  for (const s of trace.steps) for (const u of s.updates) (updates.get(u.child) ?? updates.set(u.child, []).get(u.child)!).push(u);
  // the update shows a parameter's data before → after
  const moved = new Map((trace.update?.params ?? []).map((p) => [p.id, `data ${fmt(p.before)} → ${fmt(p.after)}`.length]));
  const known = new Map<number, number>();
  return (id) => {
    const had = known.get(id);
    if (had !== undefined) return had;
    const n = byId.get(id)!;
    let w = Math.max(shortName(nameOf(n)).length, `data ${fmt(n.data)}`.length, gradText(n.grad).length);
    if (n.gradBefore !== null) w = Math.max(w, gradText(n.gradBefore).length);
    w = Math.max(w, moved.get(id) ?? 0);
    for (const u of updates.get(id) ?? []) w = Math.max(w, gradText(u.before, u.after).length);
    known.set(id, w);
    return w;
  };
}

export function valueBox(chars: number): { w: number; h: number } {
  return { w: Math.max(76, Math.ceil(chars * CHAR_W) + PAD_X), h: 3 * LINE_H + PAD_Y };
}

/** a value and, when it has one, its op node just left of it (in either orientation: it keeps ranks short) */
export function valueUnit(chars: number, hasOp: boolean): { w: number; h: number } {
  const box = valueBox(chars);
  return hasOp ? { w: box.w + OP_GAP + OP_D, h: box.h } : box;
}

/** what a tensor's grid shows at a moment of the pass: its data or its grads, element by element */
export interface Cells {
  what: "data" | "grad";
  of(id: number): number | undefined;
}

/**
 * the lines a closed box shows: its name, how many values, and the grad of what flows out; a
 * tensor's box, its name, its shapes and its numbers (`cells`)
 */
export function boxLines(b: Box, outGrad: string, cells?: Cells): string[] {
  const t = b.tensor;
  if (t && cells)
    return [`▸ ${shortName(boxLabel(b))}`, `${shapeLine(t)}  ${cells.what}`, ...gridLines(t.shape, t.values, cells.of, LINE_H)];
  return [`▸ ${shortName(boxLabel(b))}`, countOf(b.size), outGrad];
}

/** the longest grad line a box shows: "grad -0.0123" or "|grad| ≤ 1.23e-5" */
const GRAD_LINE_CHARS = 16;

export function boxUnit(b: Box): { w: number; h: number } {
  const t = b.tensor;
  if (t) {
    const heatW = Math.ceil((heatSize(t.shape)?.w ?? 0) / CHAR_W);
    const chars = Math.max(shortName(boxLabel(b)).length + 2, shapeLine(t).length + 6, gridChars(t.shape), heatW);
    return { w: Math.ceil(chars * CHAR_W) + PAD_X, h: (2 + gridLineCount(t.shape, LINE_H)) * LINE_H + PAD_Y + 4 };
  }
  const chars = Math.max(shortName(boxLabel(b)).length + 2, countOf(b.size).length, GRAD_LINE_CHARS);
  return { w: Math.ceil(chars * CHAR_W) + PAD_X, h: 3 * LINE_H + PAD_Y + 4 };
}

/** names in a run's second line are cut to this many characters */
const RUN_NAME_CHARS = 12;

/** the lines a run of folded values shows: how many, and the names it runs from and to */
export function runLines(count: number, first: string, last: string): string[] {
  const cut = (x: string) => (x.length > RUN_NAME_CHARS ? x.slice(0, RUN_NAME_CHARS - 1) + "…" : x);
  return [`⋯ ${count.toLocaleString("en-US")} more`, count === 1 ? cut(first) : `${cut(first)} … ${cut(last)}`];
}

export function runUnit(count: number, first: string, last: string): { w: number; h: number } {
  const chars = Math.max(...runLines(count, first, last).map((l) => l.length));
  return { w: Math.ceil(chars * CHAR_W) + PAD_X, h: 2 * LINE_H + PAD_Y };
}

/** where a tensor box's heatmap sits: its top, in px from the box's top (the name and the shapes above it) */
export function heatTop(b: Box): number {
  const t = b.tensor!;
  const lines = 2 + gridLineCount(t.shape, LINE_H);
  const box = boxUnit(b).h;
  const textTop = (box - lines * LINE_H) / 2;
  const heat = heatSize(t.shape)!;
  const room = (gridLineCount(t.shape, LINE_H) - 2) * LINE_H;
  return textTop + 2 * LINE_H + (room - heat.h) / 2;
}

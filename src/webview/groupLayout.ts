// a layered layout that respects the boxes: each open box is laid out on its own as a block, then
// placed as one item among its siblings, so frames never overlap. inputs on the left and the root on
// the right (or top to bottom, for a tall narrow panel). pure (no DOM), so it is unit-tested.
import type { View } from "./projection";

export type Orientation = "LR" | "TB";

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Placement {
  /** top-left corner and size of every unit, by unit index */
  units: Rect[];
  /** the frame of every open box (content plus padding; its title sits in the band above) */
  frames: Map<number, Rect>;
  width: number;
  height: number;
}

/** space around a frame's content */
export const FRAME_PAD = 10;
/** the band above a frame for its title */
export const FRAME_TITLE = 20;
const RANK_GAP = { LR: 44, TB: 34 };
const CROSS_GAP = { LR: 14, TB: 16 };
const SWEEPS = 4;

/** an item of one container: a unit, or an open box laid out as a block */
type Item = { unit: number } | { box: number };

interface Block {
  w: number;
  h: number;
  items: Item[];
  /** offsets of each item's top-left in the block */
  at: { x: number; y: number }[];
}

/**
 * a box whose values are a matrix's elements: how many columns it has, and where (row-major) each
 * unit's value stands in it (-1: a unit that is not one of its elements)
 */
export interface Grid {
  cols: number;
  index: (unit: number) => number;
}

export function placeView(
  view: View,
  size: (unit: number) => { w: number; h: number },
  orient: Orientation,
  gridOf: (box: number) => Grid | undefined = () => undefined,
): Placement {
  // the items of each container, and the chain from a unit up to the whole graph
  const items = new Map<number, Item[]>([[0, []]]);
  for (const key of view.open) items.set(key, []);
  view.units.forEach((u, i) => items.get(u.container)!.push({ unit: i }));
  for (const key of view.open) items.get(view.openIn.get(key)!)!.push({ box: key });
  const chainOfContainer = (key: number): number[] => {
    const chain = [key];
    while (key !== 0) chain.push((key = view.openIn.get(key)!));
    return chain;
  };

  // each edge joins two items of the deepest container holding both ends
  const edges = new Map<number, [number, number][]>();
  const indexOf = new Map<number, Map<string, number>>();
  for (const [key, list] of items) indexOf.set(key, new Map(list.map((it, i) => [itemId(it), i])));
  for (const e of view.edges) {
    const a = chainOfContainer(view.units[e.from].container);
    const b = chainOfContainer(view.units[e.to].container);
    const inB = new Set(b);
    let li = 0;
    while (!inB.has(a[li])) li++;
    const level = a[li];
    const lj = b.indexOf(level);
    const ia = li === 0 ? `u${e.from}` : `b${a[li - 1]}`;
    const ib = lj === 0 ? `u${e.to}` : `b${b[lj - 1]}`;
    if (ia === ib) continue;
    const idx = indexOf.get(level)!;
    (edges.get(level) ?? edges.set(level, []).get(level)!).push([idx.get(ia)!, idx.get(ib)!]);
  }

  const blocks = new Map<number, Block>();
  const blockOf = (key: number): Block => {
    const list = items.get(key)!;
    const sizes = list.map((it) => {
      if ("unit" in it) return size(it.unit);
      const inner = blockOf(it.box);
      return { w: inner.w + 2 * FRAME_PAD, h: inner.h + 2 * FRAME_PAD + FRAME_TITLE };
    });
    const inner = edges.get(key) ?? [];
    const block = (inner.length === 0 && gridded(list, sizes, gridOf(key))) || layered(list, sizes, inner, orient);
    blocks.set(key, block);
    return block;
  };
  const top = blockOf(0);

  const units: Rect[] = new Array(view.units.length);
  const frames = new Map<number, Rect>();
  const place = (key: number, ox: number, oy: number) => {
    const block = blocks.get(key)!;
    block.items.forEach((it, i) => {
      const x = ox + block.at[i].x;
      const y = oy + block.at[i].y;
      if ("unit" in it) {
        const s = size(it.unit);
        units[it.unit] = { x, y, w: s.w, h: s.h };
      } else {
        const inner = blocks.get(it.box)!;
        frames.set(it.box, { x, y: y + FRAME_TITLE, w: inner.w + 2 * FRAME_PAD, h: inner.h + 2 * FRAME_PAD });
        place(it.box, x + FRAME_PAD, y + FRAME_TITLE + FRAME_PAD);
      }
    });
  };
  place(0, 0, 0);
  return { units, frames, width: top.w, height: top.h };
}

function itemId(it: Item): string {
  return "unit" in it ? `u${it.unit}` : `b${it.box}`;
}

/**
 * a matrix's elements in its rows and columns (row i of the matrix a row of the block, whichever
 * way the graph flows), in cells as big as the biggest element: not one line as long as the
 * matrix has elements. undefined unless every item is an element (with nothing between them)
 */
function gridded(list: Item[], sizes: { w: number; h: number }[], grid: Grid | undefined): Block | undefined {
  if (!grid || grid.cols < 1 || list.length < 2) return undefined;
  const cells = list.map((it) => ("unit" in it ? grid.index(it.unit) : -1));
  if (cells.some((c) => c < 0)) return undefined;
  const cw = Math.max(...sizes.map((z) => z.w));
  const ch = Math.max(...sizes.map((z) => z.h));
  const gap = CROSS_GAP.LR;
  const cols = Math.min(grid.cols, Math.max(...cells) + 1);
  const rows = Math.floor(Math.max(...cells) / grid.cols) + 1;
  // each item centred in its cell
  const at = cells.map((c, i) => ({
    x: (c % grid.cols) * (cw + gap) + (cw - sizes[i].w) / 2,
    y: Math.floor(c / grid.cols) * (ch + gap) + (ch - sizes[i].h) / 2,
  }));
  return { w: cols * cw + (cols - 1) * gap, h: rows * ch + (rows - 1) * gap, items: list, at };
}

/** longest-path ranks, barycentre order within a rank, then each item slid toward its neighbours */
function layered(list: Item[], sizes: { w: number; h: number }[], edges: [number, number][], orient: Orientation): Block {
  const n = list.length;
  const main = (i: number) => (orient === "LR" ? sizes[i].w : sizes[i].h);
  const cross = (i: number) => (orient === "LR" ? sizes[i].h : sizes[i].w);
  const preds: number[][] = Array.from({ length: n }, () => []);
  const succs: number[][] = Array.from({ length: n }, () => []);
  for (const [a, b] of edges) {
    preds[b].push(a);
    succs[a].push(b);
  }

  // ranks along a topological order (an edge that closes a cycle is ignored)
  const indeg = preds.map((p) => p.length);
  const queue: number[] = [];
  for (let i = 0; i < n; i++) if (indeg[i] === 0) queue.push(i);
  const topo: number[] = [];
  const seen = new Uint8Array(n);
  for (let q = 0; topo.length < n; q++) {
    if (q >= queue.length) {
      const i = seen.indexOf(0);
      queue.push(i);
    }
    const i = queue[q];
    if (seen[i]) continue;
    seen[i] = 1;
    topo.push(i);
    for (const s of succs[i]) if (--indeg[s] === 0) queue.push(s);
  }
  const rank = new Array<number>(n).fill(0);
  const done = new Uint8Array(n);
  for (const i of topo) {
    for (const p of preds[i]) if (done[p]) rank[i] = Math.max(rank[i], rank[p] + 1);
    done[i] = 1;
  }
  // sources sit just before their first consumer, so weights and constants are drawn where they are used
  for (const i of topo.slice().reverse()) {
    if (preds[i].length > 0 || succs[i].length === 0) continue;
    rank[i] = Math.max(0, Math.min(...succs[i].map((s) => rank[s])) - 1);
  }

  const ranks: number[][] = [];
  for (let i = 0; i < n; i++) (ranks[rank[i]] ??= []).push(i);
  for (let r = 0; r < ranks.length; r++) ranks[r] ??= [];

  // order within ranks: barycentre of neighbours, sweeping both ways
  const slot = new Float64Array(n);
  const number = (r: number) => ranks[r].forEach((i, k) => (slot[i] = k - (ranks[r].length - 1) / 2));
  ranks.forEach((_, r) => number(r));
  const neighbours = (i: number) => preds[i].concat(succs[i]);
  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    const order = ranks.map((_, r) => (sweep % 2 === 0 ? r : ranks.length - 1 - r));
    for (const r of order) {
      const bary = new Map<number, number>();
      for (const i of ranks[r]) {
        const ns = neighbours(i).filter((j) => rank[j] !== r);
        bary.set(i, ns.length ? ns.reduce((s, j) => s + slot[j], 0) / ns.length : slot[i]);
      }
      ranks[r].sort((a, b) => bary.get(a)! - bary.get(b)!);
      number(r);
    }
  }

  // cross positions (centres): packed in order, then slid toward the neighbours' centres
  const gap = CROSS_GAP[orient];
  const centre = new Float64Array(n);
  for (const row of ranks) {
    let at = 0;
    for (const i of row) {
      centre[i] = at + cross(i) / 2;
      at += cross(i) + gap;
    }
    const mid = (at - gap) / 2;
    for (const i of row) centre[i] -= mid;
  }
  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    const order = ranks.map((_, r) => (sweep % 2 === 0 ? r : ranks.length - 1 - r));
    for (const r of order) {
      const row = ranks[r];
      if (row.length === 0) continue;
      const want = row.map((i) => {
        const ns = neighbours(i).filter((j) => rank[j] !== r);
        return ns.length ? ns.reduce((s, j) => s + centre[j], 0) / ns.length : centre[i];
      });
      const placed: number[] = [];
      row.forEach((i, k) => placed.push(k === 0 ? want[0] : Math.max(want[k], placed[k - 1] + (cross(row[k - 1]) + cross(i)) / 2 + gap)));
      // shifting the whole row by the mean overshoot keeps it near where its neighbours want it
      const shift = want.reduce((s, w, k) => s + w - placed[k], 0) / row.length;
      row.forEach((i, k) => (centre[i] = placed[k] + shift));
    }
  }

  // main positions: one band per rank, as thick as its thickest item; items centred in the band
  const bandStart: number[] = [];
  let at = 0;
  for (const row of ranks) {
    bandStart.push(at);
    const thick = row.length ? Math.max(...row.map(main)) : 0;
    at += thick + RANK_GAP[orient];
  }
  const mainSize = Math.max(0, at - RANK_GAP[orient]);
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    lo = Math.min(lo, centre[i] - cross(i) / 2);
    hi = Math.max(hi, centre[i] + cross(i) / 2);
  }
  if (n === 0) lo = hi = 0;
  const at2 = list.map((_, i) => {
    const row = ranks[rank[i]];
    const thick = Math.max(...row.map(main));
    // an item sits at the right (LR) / bottom (TB) of its band, next to what consumes it
    const m = bandStart[rank[i]] + (thick - main(i));
    const c = centre[i] - cross(i) / 2 - lo;
    return orient === "LR" ? { x: m, y: c } : { x: c, y: m };
  });
  const crossSize = hi - lo;
  return orient === "LR" ? { w: mainSize, h: crossSize, items: list, at: at2 } : { w: crossSize, h: mainSize, items: list, at: at2 };
}

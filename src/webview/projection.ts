// what is visible, given which boxes are open: each value is shown by exactly one unit (itself, or
// the closed box that holds it), and edges between units are bundled. pure (no DOM).
import type { Trace } from "../engine/trace";
import type { Box, GroupTree } from "./groupTree";

/** a value drawn as itself, a closed box drawn as one node, or a run of an open box's values folded into one */
export type Unit =
  | { kind: "value"; id: number; container: number; ghost?: true }
  | { kind: "box"; key: number; container: number }
  | { kind: "run"; ids: number[]; container: number };

/** an open box with more values than this (a sum of 300 terms) shows only those near the step, and its outputs */
export const RUN_MAX = 24;
/** the values near an anchor: its page of this many, and the pages before and after it */
export const RUN_PAGE = 8;

export interface ProjectOptions {
  /**
   * for long boxes: the pages (of RUN_PAGE values) drawn as themselves, each with the pages either
   * side of it. a long box not listed shows its first and last page.
   */
  pages?: ReadonlyMap<number, readonly number[]>;
  /** long boxes drawn whole, every value, as the user asked */
  unrolled?: ReadonlySet<number>;
}

export interface ViewEdge {
  from: number;
  to: number;
  /** how many value-to-value edges this one stands for */
  count: number;
  /** for an edge between two values drawn as themselves: the consuming value and which child it is */
  parent?: number;
  index?: number;
}

export interface View {
  units: Unit[];
  /** boxes drawn open (as frames around their content), parents before children */
  open: number[];
  /** the box each open box is drawn in (0: the whole graph) */
  openIn: Map<number, number>;
  /** the unit that shows each value */
  unitOf: UnitIndex;
  /** the unit of each closed box */
  unitOfBox: Map<number, number>;
  edges: ViewEdge[];
  /**
   * series opened only because the step is inside one member: they show that member and, as one
   * closed unit, the others. key: series box, value: the member pulled out
   */
  pulled: Map<number, number>;
}

/**
 * expanded: boxes the user opened; forced: boxes that must be open (the step's path). a series that
 * is forced but not expanded shows just the member on the path, the others stay folded.
 */
export function project(
  trace: Trace,
  tree: GroupTree,
  expanded: ReadonlySet<number>,
  forced: ReadonlySet<number>,
  options: ProjectOptions = {},
): View {
  const { boxes } = tree;
  const pages = options.pages ?? new Map<number, readonly number[]>();
  const unrolled = options.unrolled ?? new Set<number>();
  const units: Unit[] = [];
  const open: number[] = [];
  const d = denseOf(trace, tree);
  const unitAt = new Int32Array(d.ids.length);
  const unitOfBox = new Map<number, number>();
  const pulled = new Map<number, number>();
  const openIn = new Map<number, number>();

  const hide = (key: number, unit: number) => unitAt.fill(unit, d.boxStart[key], d.boxEnd[key]);
  const closed = (key: number, container: number) => {
    const u = units.length;
    units.push({ kind: "box", key, container });
    unitOfBox.set(key, u);
    hide(key, u);
  };
  const visit = (key: number) => {
    const b = boxes[key];
    const kept = unrolled.has(key) ? undefined : keptValues(b, pages.get(key) ?? []);
    let run: number[] | undefined;
    b.values.forEach((id, i) => {
      if (!kept || kept[i]) {
        run = undefined;
        unitAt[d.index.get(id)!] = units.length;
        units.push({ kind: "value", id, container: key });
        return;
      }
      if (!run) {
        run = [];
        units.push({ kind: "run", ids: run, container: key });
      }
      run.push(id);
      unitAt[d.index.get(id)!] = units.length - 1;
    });
    for (const c of b.boxes) {
      const cb = boxes[c];
      let show = c;
      if (!expanded.has(c) && !forced.has(c)) {
        closed(c, key);
        continue;
      }
      if (cb.kind === "series" && !expanded.has(c)) {
        // the member on the path comes out beside the series; the rest stay one closed unit
        const member = cb.boxes.find((m) => forced.has(m));
        if (member === undefined) {
          closed(c, key);
          continue;
        }
        pulled.set(c, member);
        closed(c, key);
        show = member;
      }
      open.push(show);
      openIn.set(show, key);
      visit(show);
    }
  };
  visit(0);

  // a module's shared parameter is also drawn, as a ghost, in each open call that uses it: a neuron's
  // weights and bias sit with its ops (one value, so one grad: what every call sent it, summed)
  const ghosts = new Map<string, number>();
  const ghostOf = (id: number, container: number) => {
    const k = `${id}:${container}`;
    let u = ghosts.get(k);
    if (u === undefined) {
      u = units.length;
      units.push({ kind: "value", id, container, ghost: true });
      ghosts.set(k, u);
    }
    return u;
  };

  // edges: child -> consumer, between the units that show them, bundled when a box stands for either end
  const edges: ViewEdge[] = [];
  const bundled = new Map<number, ViewEdge>();
  const n = 2 * units.length + 1; // room for the ghosts made below
  const { ids, childStart, childAt, shared } = d;
  for (let i = 0; i < ids.length; i++) {
    const to = unitAt[i];
    const into = units[to];
    for (let c = childStart[i]; c < childStart[i + 1]; c++) {
      const ci = childAt[c];
      let from = unitAt[ci];
      if (into.kind === "value" && shared[ci] === 1 && units[from].container !== into.container) from = ghostOf(ids[ci], into.container);
      if (from === to) continue;
      if (into.kind === "value" && units[from].kind === "value") {
        edges.push({ from, to, count: 1, parent: ids[i], index: c - childStart[i] });
        continue;
      }
      const k = from * n + to;
      const e = bundled.get(k);
      if (e) e.count++;
      else {
        const fresh: ViewEdge = { from, to, count: 1 };
        bundled.set(k, fresh);
        edges.push(fresh);
      }
    }
  }
  return { units, open, openIn, unitOf: new UnitIndex(d.index, unitAt), unitOfBox, edges, pulled };
}

/** the unit that shows each value (by id) */
export class UnitIndex {
  constructor(
    private readonly index: ReadonlyMap<number, number>,
    private readonly at: Int32Array,
  ) {}

  get(id: number): number | undefined {
    const i = this.index.get(id);
    return i === undefined ? undefined : this.at[i];
  }

  has(id: number): boolean {
    return this.index.has(id);
  }

  get size(): number {
    return this.at.length;
  }
}

/**
 * the trace as flat arrays, made once per group tree, so projecting 65,000 values takes a few
 * milliseconds: node i's id, its children (as node indices), whether it is a shared parameter; the
 * nodes ordered so that each box's values, and its boxes' values, are one contiguous range
 */
interface Dense {
  index: Map<number, number>;
  ids: Int32Array;
  childStart: Int32Array;
  childAt: Int32Array;
  shared: Uint8Array;
  /** box k's values at any depth are nodes boxStart[k] .. boxEnd[k] - 1 */
  boxStart: Int32Array;
  boxEnd: Int32Array;
}

const denseCache = new WeakMap<GroupTree, Dense>();

function denseOf(trace: Trace, tree: GroupTree): Dense {
  const known = denseCache.get(tree);
  if (known) return known;
  const { boxes } = tree;
  const order: number[] = [];
  const boxStart = new Int32Array(boxes.length);
  const boxEnd = new Int32Array(boxes.length);
  const walk = (key: number) => {
    boxStart[key] = order.length;
    for (const id of boxes[key].values) order.push(id);
    for (const c of boxes[key].boxes) walk(c);
    boxEnd[key] = order.length;
  };
  walk(0);
  const index = new Map(order.map((id, i) => [id, i]));
  const byId = new Map(trace.nodes.map((node) => [node.id, node]));
  const childStart = new Int32Array(order.length + 1);
  const childAt: number[] = [];
  const shared = new Uint8Array(order.length);
  order.forEach((id, i) => {
    childStart[i] = childAt.length;
    for (const c of byId.get(id)!.children) childAt.push(index.get(c)!);
    shared[i] = boxes[tree.boxOf.get(id) ?? 0].kind === "params" ? 1 : 0;
  });
  childStart[order.length] = childAt.length;
  const dense = { index, ids: Int32Array.from(order), childStart, childAt: Int32Array.from(childAt), shared, boxStart, boxEnd };
  denseCache.set(tree, dense);
  return dense;
}

/** the page of RUN_PAGE values that a value's place in its box falls on */
export function pageOf(place: number): number {
  return Math.floor(place / RUN_PAGE);
}

/**
 * which of a long box's values are drawn as themselves (undefined: all of them): each page asked
 * for with the pages either side (so the step moving along a chain redraws once a page, not every
 * step), the box's outputs, and with no page asked for, its first and last page
 */
export function keptValues(b: Box, pages: readonly number[]): boolean[] | undefined {
  const n = b.values.length;
  if (n <= RUN_MAX) return undefined;
  const kept = new Array<boolean>(n).fill(false);
  const mark = (from: number, to: number) => {
    for (let i = Math.max(0, from); i < Math.min(n, to); i++) kept[i] = true;
  };
  for (const p of pages) mark((p - 1) * RUN_PAGE, (p + 2) * RUN_PAGE);
  if (pages.length === 0) {
    mark(0, RUN_PAGE);
    mark(n - RUN_PAGE, n);
  }
  const outputs = new Set(b.outputs);
  b.values.forEach((id, i) => {
    if (outputs.has(id)) kept[i] = true;
  });
  return kept;
}

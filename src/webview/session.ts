// the page's one state: the run shown, the stepper's position, which boxes are open. everything the
// views draw is derived from it; what survives a reload is saved whole (saved()).
import type { Trace, TraceNode } from "../engine/trace";
import type { RunResult } from "../shared/protocol";
import { groupTree, pathOf, type GroupTree } from "./groupTree";
import type { StepBoxes } from "./navigation";
import { pageOf, project, RUN_MAX, type View } from "./projection";
import type { Orientation } from "./groupLayout";
import { Stepper } from "./stepper";
import { widestLines } from "./unitSize";
import { Shares } from "./contributions";
import type { Breakpoint } from "./breakpoints";

/** the range of steps inside a box, to show it done or under way */
export interface BoxSpan {
  first: number;
  last: number;
}

/** what the page keeps across a reload of the panel */
export interface SavedState {
  file?: string;
  step?: number;
  expanded?: number[];
  /** the breakpoints (the controller's, kept with the rest) */
  breakpoints?: Breakpoint[];
}

/** a graph opens with boxes opened breadth-first while no more than this many things are drawn (and they fit) */
export const OPEN_BUDGET = 60;

export class Session {
  readonly tree: GroupTree;
  readonly stepper: Stepper;
  readonly nodes: Map<number, TraceNode>;
  /** what each parent sent each value */
  readonly shares: Shares;
  readonly widest: (id: number) => number;
  readonly chains: StepBoxes;
  /** the steps each box holds, to show it done or under way */
  readonly spans = new Map<number, BoxSpan>();
  /** boxes the user opened */
  expanded: Set<number>;
  /** boxes on the step's path the user closed anyway (forgotten once the step leaves them) */
  readonly collapsed = new Set<number>();
  /** long boxes the user asked to see whole (every value, no runs folded) */
  readonly unrolled = new Set<number>();
  /** the value a search found, drawn as itself until the next search */
  found: number | undefined;
  /** the boxes the step opened last time (forced()) */
  private opened = new Set<number>();
  /** the pages of each long box drawn last (pages()) */
  private readonly lastPages = new Map<number, number[]>();
  /** each value's place in its box's values, to tell which page of a long box it is on */
  private readonly placeInBox = new Map<number, number>();
  orient: Orientation | undefined;

  constructor(
    readonly result: RunResult,
    readonly trace: Trace,
  ) {
    this.nodes = new Map(trace.nodes.map((n) => [n.id, n]));
    this.shares = new Shares(trace);
    this.tree = groupTree(trace);
    this.stepper = new Stepper(trace);
    this.widest = widestLines(trace);
    const chainOfBox = new Map<number, number[]>();
    const chainOf = (id: number) => {
      const k = this.tree.boxOf.get(id) ?? 0;
      return chainOfBox.get(k) ?? chainOfBox.set(k, pathOf(this.tree, id)).get(k)!;
    };
    this.chains = { chains: trace.steps.map((s) => chainOf(s.node)) };
    trace.steps.forEach((s, i) => {
      for (let k = this.tree.boxOf.get(s.node) ?? 0; k > 0; k = this.tree.boxes[k].parent) {
        const span = this.spans.get(k);
        if (!span) this.spans.set(k, { first: i, last: i });
        else {
          span.first = Math.min(span.first, i);
          span.last = Math.max(span.last, i);
        }
      }
    });
    this.expanded = new Set();
    for (const b of this.tree.boxes) b.values.forEach((id, i) => this.placeInBox.set(id, i));
  }

  /** the value the pass is at: the step's node, or the root before the first step */
  get focus(): number {
    return this.stepper.current?.node ?? this.trace.root;
  }

  /** every box that holds the focus, series included, innermost first */
  holding(id = this.focus): number[] {
    const keys: number[] = [];
    for (let k = this.tree.boxOf.get(id) ?? 0; k > 0; k = this.tree.boxes[k].parent) keys.push(k);
    return keys;
  }

  /** values drawn as themselves even inside a long box: the focus, the children the step updates, a search's find */
  anchors(): Set<number> {
    const ids = new Set([this.focus, ...(this.stepper.current?.updates.map((u) => u.child) ?? [])]);
    if (this.found !== undefined) ids.add(this.found);
    return ids;
  }

  /**
   * the boxes that must be open: those holding the focus and the children the step updates (a
   * shared parameter is drawn as a ghost where it is used, so its own box stays closed). a box the
   * step opened before stays open while the step is still in the box around it, so a pass that
   * goes back and forth between two boxes (a sum and its terms) does not redraw at every step;
   * of a series, only the newest member stays out.
   */
  forced(): Set<number> {
    const path = this.holding();
    for (const k of [...this.collapsed]) if (!path.includes(k)) this.collapsed.delete(k);
    const open = new Set(path);
    for (const u of this.stepper.current?.updates ?? []) {
      const k = this.tree.boxOf.get(u.child) ?? 0;
      if (this.tree.boxes[k].kind !== "params") for (const j of this.holding(u.child)) open.add(j);
    }
    const around = new Set(path);
    const seriesOut = new Set([...open].map((k) => this.tree.boxes[k].parent).filter((p) => this.tree.boxes[p]?.kind === "series"));
    for (const k of this.opened) {
      const parent = this.tree.boxes[k].parent;
      const inSeries = this.tree.boxes[parent]?.kind === "series";
      // the box around it (for a member of a series, around the series) must still hold the step
      if (!around.has(inSeries ? this.tree.boxes[parent].parent : parent) && !around.has(parent)) continue;
      if (inSeries) {
        // one member of a series out at a time: the newest
        if (seriesOut.has(parent)) continue;
        seriesOut.add(parent);
        open.add(parent);
      }
      open.add(k);
    }
    for (const k of this.collapsed) open.delete(k);
    this.opened = open;
    return new Set(open);
  }

  /**
   * the pages of each long box drawn as themselves: those of the anchors in it, else the ones drawn
   * last (the step gone into a term and back finds the chain as it left it)
   */
  pages(): Map<number, number[]> {
    const now = new Map<number, number[]>();
    for (const id of this.anchors()) {
      const k = this.tree.boxOf.get(id) ?? 0;
      if (this.tree.boxes[k].values.length <= RUN_MAX) continue;
      const p = pageOf(this.placeInBox.get(id)!);
      const list = now.get(k) ?? now.set(k, []).get(k)!;
      if (!list.includes(p)) list.push(p);
    }
    for (const [k, list] of now)
      this.lastPages.set(
        k,
        list.sort((a, b) => a - b),
      );
    return this.lastPages;
  }

  /** what the view depends on: the boxes open, the pages of long boxes, the boxes drawn whole */
  viewKey(forced: ReadonlySet<number>): string {
    const sorted = (xs: Iterable<number | string>) => [...xs].sort().join(",");
    const pages = [...this.pages()].map(([k, list]) => `${k}:${list.join(" ")}`);
    return `${sorted(this.expanded)}|${sorted(forced)}|${sorted(this.unrolled)}|${sorted(pages)}`;
  }

  view(forced = this.forced()): View {
    return project(this.trace, this.tree, this.expanded, forced, { pages: this.pages(), unrolled: this.unrolled });
  }

  /** opens a closed box, or closes an open one */
  toggle(key: number, open: boolean): void {
    if (open) {
      this.expanded.add(key);
      this.collapsed.delete(key);
    } else {
      this.expanded.delete(key);
      this.opened.delete(key);
      // closing a series closes the members opened in it; closing a box on the path keeps it closed
      if (this.holding().includes(key)) this.collapsed.add(key);
    }
  }

  /** opens every box that holds value id (a search result) */
  reveal(id: number): void {
    this.found = id;
    for (const k of this.holding(id)) {
      this.expanded.add(k);
      this.collapsed.delete(k);
    }
  }

  saved(): SavedState {
    return { file: this.result.file, step: this.stepper.position, expanded: [...this.expanded] };
  }
}

/**
 * boxes opened breadth-first while what is drawn still fits the panel readably (fits) and stays
 * within budget things: a small graph opens whole, a big one shows its structure at a glance
 */
export function openToFit(tree: GroupTree, expanded: Set<number>, fits: () => boolean, budget: number, tries = 24): void {
  const root = tree.boxes[0];
  let drawn = root.values.length + root.boxes.length;
  const queue = root.boxes.slice();
  while (queue.length && tries > 0) {
    const key = queue.shift()!;
    const b = tree.boxes[key];
    const cost = b.values.length + b.boxes.length - 1;
    if (drawn + cost > budget) continue;
    tries--;
    expanded.add(key);
    if (!fits()) {
      expanded.delete(key);
      continue;
    }
    drawn += cost;
    queue.push(...b.boxes);
  }
}

// the page's one state: the run shown, the stepper's position, which boxes are open. everything the
// views draw is derived from it; what survives a reload is saved whole (saved()).
import type { Trace, TraceNode } from "../engine/trace";
import type { RunResult } from "../shared/protocol";
import { groupTree, pathOf, type GroupTree } from "./groupTree";
import type { StepBoxes } from "./navigation";
import { project, type View } from "./projection";
import type { Orientation } from "./groupLayout";
import { Stepper } from "./stepper";
import { widestLines } from "./unitSize";

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
}

/** a graph opens with boxes opened breadth-first while no more than this many things are drawn (and they fit) */
export const OPEN_BUDGET = 60;

export class Session {
  readonly tree: GroupTree;
  readonly stepper: Stepper;
  readonly nodes: Map<number, TraceNode>;
  readonly widest: (id: number) => number;
  readonly chains: StepBoxes;
  /** the steps each box holds, to show it done or under way */
  readonly spans = new Map<number, BoxSpan>();
  /** boxes the user opened */
  expanded: Set<number>;
  /** boxes on the step's path the user closed anyway (forgotten once the step leaves them) */
  readonly collapsed = new Set<number>();
  orient: Orientation | undefined;

  constructor(
    readonly result: RunResult,
    readonly trace: Trace,
  ) {
    this.nodes = new Map(trace.nodes.map((n) => [n.id, n]));
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

  /** the boxes that must be open so the focus is drawn as itself */
  forced(): Set<number> {
    const path = this.holding();
    for (const k of [...this.collapsed]) if (!path.includes(k)) this.collapsed.delete(k);
    return new Set(path.filter((k) => !this.collapsed.has(k)));
  }

  view(): View {
    return project(this.trace, this.tree, this.expanded, this.forced());
  }

  /** opens a closed box, or closes an open one */
  toggle(key: number, open: boolean): void {
    if (open) {
      this.expanded.add(key);
      this.collapsed.delete(key);
    } else {
      this.expanded.delete(key);
      // closing a series closes the members opened in it; closing a box on the path keeps it closed
      if (this.holding().includes(key)) this.collapsed.add(key);
    }
  }

  /** opens every box that holds value id (a search result) */
  reveal(id: number): void {
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

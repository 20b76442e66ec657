// what is visible, given which boxes are open: each value is shown by exactly one unit (itself, or
// the closed box that holds it), and edges between units are bundled. pure (no DOM).
import type { Trace } from "../engine/trace";
import type { GroupTree } from "./groupTree";

/** a value drawn as itself, or a closed box drawn as one node */
export type Unit = { kind: "value"; id: number; container: number; ghost?: true } | { kind: "box"; key: number; container: number };

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
  unitOf: Map<number, number>;
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
export function project(trace: Trace, tree: GroupTree, expanded: ReadonlySet<number>, forced: ReadonlySet<number>): View {
  const { boxes } = tree;
  const units: Unit[] = [];
  const open: number[] = [];
  const unitOf = new Map<number, number>();
  const unitOfBox = new Map<number, number>();
  const pulled = new Map<number, number>();
  const openIn = new Map<number, number>();

  const hide = (key: number, unit: number) => {
    const b = boxes[key];
    for (const id of b.values) unitOf.set(id, unit);
    for (const c of b.boxes) hide(c, unit);
  };
  const closed = (key: number, container: number) => {
    const u = units.length;
    units.push({ kind: "box", key, container });
    unitOfBox.set(key, u);
    hide(key, u);
  };
  const visit = (key: number) => {
    const b = boxes[key];
    for (const id of b.values) {
      unitOf.set(id, units.length);
      units.push({ kind: "value", id, container: key });
    }
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
  const shared = (id: number) => boxes[tree.boxOf.get(id) ?? 0].kind === "params";

  // edges: child -> consumer, between the units that show them, bundled when a box stands for either end
  const edges: ViewEdge[] = [];
  const bundled = new Map<number, ViewEdge>();
  const n = 2 * units.length + 1; // room for the ghosts made below
  for (const node of trace.nodes) {
    const to = unitOf.get(node.id)!;
    const into = units[to];
    node.children.forEach((c, index) => {
      let from = unitOf.get(c)!;
      if (into.kind === "value" && units[from].container !== into.container && shared(c)) from = ghostOf(c, into.container);
      if (from === to) return;
      if (units[from].kind === "value" && units[to].kind === "value") {
        edges.push({ from, to, count: 1, parent: node.id, index });
        return;
      }
      const k = from * n + to;
      const e = bundled.get(k);
      if (e) e.count++;
      else {
        const fresh: ViewEdge = { from, to, count: 1 };
        bundled.set(k, fresh);
        edges.push(fresh);
      }
    });
  }
  return { units, open, openIn, unitOf, unitOfBox, edges, pulled };
}

// which boxes are drawn open, and which pages of a long box: from what the user opened and closed
// and from where the step is. pure: `settle` works out the step's boxes after a change of the
// state, `viewOf` projects the state into what is visible (projection.ts), and nothing here
// changes what it is given.
import type { GroupTree } from "./groupTree";
import { pageOf, project, RUN_MAX, type View } from "./projection";
import type { RunFacts } from "./runFacts";
import type { Shown } from "./state";

/** a graph opens with boxes opened breadth-first while no more than this many things are drawn (and they fit) */
export const OPEN_BUDGET = 60;

type Where = Pick<Shown, "phase" | "step" | "fstep">;

/** the value the pass is at: backward, the step's node (the root before the first step); forward, the value computed last (the first to compute, before any) */
export function focusOf(f: RunFacts, s: Where): number {
  if (s.phase === "forward") return f.forwardOrder[Math.max(0, s.fstep - 1)] ?? f.trace.root;
  if (s.phase === "update") return movedMost(f) ?? f.trace.root;
  return f.focus(s.step);
}

/** the parameter the update moved most, if it moved any */
export function movedMost(f: RunFacts): number | undefined {
  let best: { id: number; by: number } | undefined;
  for (const p of f.trace.update?.params ?? []) {
    const by = Math.abs(p.after - p.before);
    if (!best || by > best.by) best = { id: p.id, by };
  }
  return best?.id;
}

/** the values the pass touches now: backward, the children the step updates; forward, the inputs of the value computed */
export function touchedOf(f: RunFacts, s: Where): number[] {
  if (s.phase === "forward") return s.fstep > 0 ? f.nodes.get(f.forwardOrder[s.fstep - 1])!.children : [];
  if (s.phase === "update") return [];
  return s.step > 0 ? f.trace.steps[s.step - 1].updates.map((u) => u.child) : [];
}

/** values drawn as themselves even inside a long box: the focus, the values it touches, a search's find */
export function anchors(f: RunFacts, s: Where & Pick<Shown, "found">): Set<number> {
  const ids = new Set([focusOf(f, s), ...touchedOf(f, s)]);
  if (s.found !== undefined) ids.add(s.found);
  return ids;
}

/**
 * the state with the step's boxes worked out for where the step is now. the boxes that must be
 * open: those holding the focus and the children the step updates (a shared parameter is drawn as
 * a ghost where it is used, so its own box stays closed). a box the step opened before stays open
 * while the step is still in the box around it, so a pass that goes back and forth between two
 * boxes (a sum and its terms) does not redraw at every step; of a series, only the newest member
 * stays out. the pages of long boxes follow the anchors, or stay as they were (the step gone into
 * a term and back finds the chain as it left it).
 */
export function settle(f: RunFacts, s: Shown): Shown {
  const tree = f.tree;
  const path = f.holding(focusOf(f, s));
  const collapsed = s.collapsed.filter((k) => path.includes(k));
  const open = new Set(path);
  for (const child of touchedOf(f, s)) {
    const k = tree.boxOf.get(child) ?? 0;
    if (tree.boxes[k].kind !== "params") for (const j of f.holding(child)) open.add(j);
  }
  const around = new Set(path);
  const seriesOut = new Set([...open].map((k) => tree.boxes[k].parent).filter((p) => tree.boxes[p]?.kind === "series"));
  for (const k of s.opened) {
    const parent = tree.boxes[k].parent;
    const inSeries = tree.boxes[parent]?.kind === "series";
    // the box around it (for a member of a series, around the series) must still hold the step
    if (!around.has(inSeries ? tree.boxes[parent].parent : parent) && !around.has(parent)) continue;
    if (inSeries) {
      // one member of a series out at a time: the newest
      if (seriesOut.has(parent)) continue;
      seriesOut.add(parent);
      open.add(parent);
    }
    open.add(k);
  }
  for (const k of collapsed) open.delete(k);
  // Step has just run a tensor op whole: the op is drawn closed, as one node with its grads (Into opens it)
  if (atOpStop(f, s)) for (const k of [...open]) if (inTensorOp(tree, k)) open.delete(k);
  return { ...s, collapsed, opened: [...open], pages: pagesFor(f, s) };
}

/** the pass stands where Step stops in a graph of tensor ops (every position, in a graph without) */
function atOpStop(f: RunFacts, s: Where): boolean {
  if (s.phase === "update" || !f.hasTensors) return false;
  const stops = s.phase === "forward" ? f.stops.forward : f.stops.backward;
  return stops.includes(s.phase === "forward" ? s.fstep : s.step);
}

/** a tensor op's box, or a box inside one */
function inTensorOp(tree: GroupTree, key: number): boolean {
  for (let k = key; k > 0; k = tree.boxes[k].parent) if (tree.boxes[k].tensor) return true;
  return false;
}

function pagesFor(f: RunFacts, s: Shown): [number, number[]][] {
  const pages = new Map(s.pages);
  const now = new Map<number, number[]>();
  for (const id of anchors(f, s)) {
    const k = f.tree.boxOf.get(id) ?? 0;
    if (f.tree.boxes[k].values.length <= RUN_MAX) continue;
    const p = pageOf(f.placeInBox.get(id)!);
    const list = now.get(k) ?? now.set(k, []).get(k)!;
    if (!list.includes(p)) list.push(p);
  }
  for (const [k, list] of now)
    pages.set(
      k,
      list.sort((a, b) => a - b),
    );
  return [...pages];
}

/** what the view depends on: the boxes open, the pages of long boxes, the boxes drawn whole */
export function viewKey(s: Pick<Shown, "expanded" | "opened" | "unrolled" | "pages">): string {
  const sorted = (xs: Iterable<number | string>) => [...xs].sort().join(",");
  const pages = s.pages.map(([k, list]) => `${k}:${list.join(" ")}`);
  return `${sorted(s.expanded)}|${sorted(s.opened)}|${sorted(s.unrolled)}|${sorted(pages)}`;
}

const views = new WeakMap<RunFacts, { key: string; view: View }>();

/** what is visible in this state (the last one worked out is kept per trace: a step that opens nothing costs nothing) */
export function viewOf(f: RunFacts, s: Pick<Shown, "expanded" | "opened" | "unrolled" | "pages">): View {
  const key = viewKey(s);
  const last = views.get(f);
  if (last?.key === key) return last.view;
  const view = project(f.trace, f.tree, new Set(s.expanded), new Set(s.opened), { pages: new Map(s.pages), unrolled: new Set(s.unrolled) });
  views.set(f, { key, view });
  return view;
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
    if (b.tensor) continue; // a tensor op is drawn as one node: its scalars are opened by hand
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

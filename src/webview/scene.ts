// a projection with its sizes and positions: everything the graph view needs to draw. pure (no DOM).
import type { Trace } from "../engine/trace";
import type { GroupTree } from "./groupTree";
import { placeView, type Grid, type Orientation, type Placement } from "./groupLayout";
import type { View } from "./projection";
import { FONT_PX, boxUnit, runUnit, valueUnit } from "./unitSize";
import { nameOf } from "./names";

/** on-screen text at least 11 px */
export const MIN_READABLE_ZOOM = 11 / FONT_PX;

export interface Scene {
  view: View;
  placement: Placement;
  orient: Orientation;
  /** the size of every unit, as laid out */
  sizes: { w: number; h: number }[];
}

export function buildScene(
  trace: Trace,
  tree: GroupTree,
  widest: (id: number) => number,
  hasOp: (id: number) => boolean,
  view: View,
  orient: Orientation,
): Scene {
  const sizes = view.units.map((u) => {
    if (u.kind === "value") return valueUnit(widest(u.id), hasOp(u.id));
    if (u.kind === "box") return boxUnit(tree.boxes[u.key]);
    return runUnit(u.ids.length, ...runEnds(trace, u.ids));
  });
  const placement = placeView(
    view,
    (i) => sizes[i],
    orient,
    (key) => matrixOf(tree, view, key),
  );
  return { view, placement, orient, sizes };
}

/** an open box that holds a matrix's elements (a tensor of shape [r, c]): its grid, else undefined */
function matrixOf(tree: GroupTree, view: View, key: number): Grid | undefined {
  const t = tree.boxes[key]?.tensor;
  if (!t || t.shape.length !== 2) return undefined;
  const at = new Map(t.values.map((id, i) => [id, i]));
  return {
    cols: t.shape[1],
    index: (unit) => {
      const u = view.units[unit];
      return u.kind === "value" ? (at.get(u.id) ?? -1) : -1;
    },
  };
}

/** the names of a run's first and last values (all a run shows of them) */
export function runEnds(trace: Trace, ids: readonly number[]): [string, string] {
  const byId = nodeIndex(trace);
  return [nameOf(byId.get(ids[0])!), nameOf(byId.get(ids[ids.length - 1])!)];
}

const indexes = new WeakMap<Trace, Map<number, Trace["nodes"][number]>>();
/** the trace's nodes by id, made once per trace */
export function nodeIndex(trace: Trace): Map<number, Trace["nodes"][number]> {
  let m = indexes.get(trace);
  if (!m) indexes.set(trace, (m = new Map(trace.nodes.map((n) => [n.id, n]))));
  return m;
}

/** the zoom at which a scene fills an area of w x h px (with a margin) */
export function fitZoom(p: Placement, w: number, h: number, margin = 24): number {
  return Math.min((w - 2 * margin) / Math.max(1, p.width), (h - 2 * margin) / Math.max(1, p.height));
}

/** left to right unless top to bottom lets the graph be drawn larger in this area (a tall, narrow panel) */
export function pickOrientation(
  trace: Trace,
  tree: GroupTree,
  widest: (id: number) => number,
  hasOp: (id: number) => boolean,
  view: View,
  w: number,
  h: number,
): Scene {
  const lr = buildScene(trace, tree, widest, hasOp, view, "LR");
  const tb = buildScene(trace, tree, widest, hasOp, view, "TB");
  const zl = Math.min(1, fitZoom(lr.placement, w, h));
  const zt = Math.min(1, fitZoom(tb.placement, w, h));
  return zt > zl * 1.1 ? tb : lr;
}

// a projection with its sizes and positions: everything the graph view needs to draw. pure (no DOM).
import type { Trace } from "../engine/trace";
import type { GroupTree } from "./groupTree";
import { placeView, type Orientation, type Placement } from "./groupLayout";
import type { View } from "./projection";
import { boxUnit, valueUnit } from "./unitSize";

export interface Scene {
  view: View;
  placement: Placement;
  orient: Orientation;
  /** the size of every unit, as laid out */
  sizes: { w: number; h: number }[];
}

export function buildScene(trace: Trace, tree: GroupTree, widest: (id: number) => number, hasOp: (id: number) => boolean, view: View, orient: Orientation): Scene {
  const sizes = view.units.map((u) => (u.kind === "value" ? valueUnit(widest(u.id), hasOp(u.id)) : boxUnit(tree.boxes[u.key])));
  const placement = placeView(view, (i) => sizes[i], orient);
  return { view, placement, orient, sizes };
}

/** the zoom at which a scene fills an area of w x h px (with a margin) */
export function fitZoom(p: Placement, w: number, h: number, margin = 24): number {
  return Math.min((w - 2 * margin) / Math.max(1, p.width), (h - 2 * margin) / Math.max(1, p.height));
}

/** left to right unless top to bottom lets the graph be drawn larger in this area (a tall, narrow panel) */
export function pickOrientation(trace: Trace, tree: GroupTree, widest: (id: number) => number, hasOp: (id: number) => boolean, view: View, w: number, h: number): Scene {
  const lr = buildScene(trace, tree, widest, hasOp, view, "LR");
  const tb = buildScene(trace, tree, widest, hasOp, view, "TB");
  const zl = Math.min(1, fitZoom(lr.placement, w, h));
  const zt = Math.min(1, fitZoom(tb.placement, w, h));
  return zt > zl * 1.1 ? tb : lr;
}

// the graph's cytoscape stylesheet, coloured from the vs code theme (light, dark, high contrast)
import type cytoscape from "cytoscape";
import { FONT_PX, LINE_H, OP_D } from "./unitSize";

/** the theme's colours the graph uses, read from the page's css variables */
export interface GraphColors {
  fg: string;
  bg: string;
  node: string;
  border: string;
  muted: string;
  accent: string;
  changed: string;
  error: string;
  frame: string;
  found: string;
  mono: string;
  /** high contrast: thicker borders everywhere */
  contrast: boolean;
}

export function graphStyles(c: GraphColors): cytoscape.StylesheetJson {
  const w = (x: number) => (c.contrast ? x + 1 : x);
  // a value, a closed box and a folded run: a card sized by the layout, holding centred lines of text
  const card = { shape: "round-rectangle", width: "data(w)", height: "data(h)" } as const;
  const lines = {
    "text-wrap": "wrap",
    "text-max-width": "1000px",
    "text-valign": "center",
    "text-halign": "center",
    "font-family": c.mono,
    "font-size": FONT_PX,
    "line-height": LINE_H / FONT_PX,
  } as const;
  return [
    // frames are plain nodes under what they hold (z-index by depth); edges over frames, values over edges
    { selector: "node", style: { "z-index-compare": "manual", "z-index": 100 } },
    { selector: "edge", style: { "z-index-compare": "manual", "z-index": 50 } },
    {
      selector: "node.value",
      style: {
        ...card,
        "background-color": c.node,
        "border-width": w(1),
        "border-color": c.border,
        ...lines,
        color: c.fg,
        label: "data(label)",
      },
    },
    // leaves (inputs, weights, constants) have a dashed border, in the muted colour so it shows on dark themes
    { selector: "node.value.leaf", style: { "border-style": "dashed", "border-color": c.muted, "border-width": w(1.5) } },
    // a shared parameter drawn again beside the ops that use it
    { selector: "node.value.ghost", style: { "background-opacity": 0.5, "border-style": "dotted" } },
    { selector: "node.value.root", style: { "border-width": w(2), "border-color": c.fg } },
    { selector: "node.value.processed", style: { "border-color": c.muted } },
    // the forward pass: a value not computed yet is faint; the inputs of the value computed now are marked
    { selector: "node.value.pending", style: { color: c.muted, "background-opacity": 0.4, "border-opacity": 0.5 } },
    // the update: a parameter that rose or fell, the largest changes with a thick border
    { selector: "node.value.rose", style: { "border-color": c.changed, "border-width": w(2), "border-style": "solid" } },
    { selector: "node.value.fell", style: { "border-color": c.accent, "border-width": w(2), "border-style": "solid" } },
    { selector: "node.value.moved-most", style: { "border-width": w(4) } },
    { selector: "node.value.input", style: { "border-color": c.accent, "border-width": w(2), "border-style": "dashed" } },
    { selector: "node.value.updated", style: { "border-color": c.changed, "border-width": w(2.5), "border-style": "solid" } },
    { selector: "node.value.current", style: { "border-color": c.accent, "border-width": w(3), "border-style": "solid" } },
    { selector: "node.value.nonfinite", style: { color: c.error } },
    { selector: "node.value.whatif", style: { color: c.changed } },
    {
      selector: "node.value.breakpoint",
      style: { "underlay-color": c.error, "underlay-opacity": 0.45, "underlay-padding": 4, "underlay-shape": "round-rectangle" },
    },
    { selector: "node.found", style: { "overlay-color": c.found, "overlay-opacity": 0.25, "overlay-padding": 6 } },
    {
      selector: "node.op",
      style: {
        shape: "ellipse",
        width: OP_D,
        height: OP_D,
        "background-color": c.bg,
        "border-width": w(1),
        "border-color": c.border,
        label: "data(text)",
        "text-valign": "center",
        "text-halign": "center",
        "font-family": c.mono,
        "font-size": FONT_PX,
        color: c.fg,
      },
    },
    { selector: "node.op.current", style: { "border-color": c.accent, "border-width": w(2), color: c.accent } },
    {
      selector: "node.box",
      style: {
        ...card,
        "background-color": c.frame,
        "border-width": w(1.5),
        "border-color": c.border,
        ...lines,
        color: c.fg,
        label: "data(label)",
      },
    },
    // a series stands for many alike boxes: a double border, like a stack of cards
    { selector: "node.box.series", style: { "border-style": "double", "border-width": w(4) } },
    { selector: "node.box.active", style: { "border-color": c.accent } },
    { selector: "node.box.done", style: { "border-color": c.muted } },
    { selector: "node.box.updated", style: { "border-color": c.changed, "border-width": w(2.5) } },
    { selector: "node.box.current", style: { "border-color": c.accent, "border-width": w(3) } },
    // a run of an open box's values folded into one: dashed, in the muted colour, like a gap in the chain
    {
      selector: "node.run",
      style: {
        ...card,
        "background-color": c.frame,
        "background-opacity": 0.4,
        "border-width": w(1.5),
        "border-style": "dashed",
        "border-color": c.muted,
        label: "data(text)",
        ...lines,
        color: c.muted,
      },
    },
    {
      selector: "node.frame",
      style: {
        ...card,
        "z-index": "data(depth)" as unknown as number,
        "background-color": c.frame,
        "background-opacity": 0.55,
        "border-width": w(1),
        "border-color": c.border,
        label: "data(text)",
        "text-valign": "top",
        "text-halign": "center",
        "text-margin-y": -3,
        "font-family": c.mono,
        "font-size": FONT_PX,
        color: c.muted,
        "min-zoomed-font-size": 4,
      },
    },
    { selector: "node.frame.onpath", style: { "border-color": c.accent, color: c.fg } },
    {
      selector: "edge",
      style: {
        width: w(1),
        "line-color": c.border,
        "target-arrow-color": c.border,
        "target-arrow-shape": "triangle",
        "arrow-scale": 0.8,
        "curve-style": "bezier",
        label: "data(label)",
        "font-family": c.mono,
        "font-size": 11,
        "text-margin-y": -8,
        color: c.accent,
        "text-background-color": c.bg,
        "text-background-opacity": 1,
        "text-background-padding": "2px",
      },
    },
    { selector: "edge.bundle", style: { width: "data(width)", "line-opacity": 0.7 } },
    { selector: "edge.current", style: { width: w(2), "line-color": c.accent, "target-arrow-color": c.accent } },
  ];
}

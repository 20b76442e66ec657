// the computation graph drawn with cytoscape: values as records (label, data, grad), op nodes
// between them, left to right. positions come from layout.ts; the stepper decides the colours.
import cytoscape from "cytoscape";
import type { Trace, TraceNode } from "../engine/trace";
import { layout } from "./layout";
import type { Stepper } from "./stepper";
import { fmt } from "./format";
import { themeColor } from "./dom";

const VALUE_W = 180;
const VALUE_H = 60;
const OP_W = 44;
const GAP = 64;
const ROW_GAP = 84;
/** below this zoom the labels are too small to read: pan instead */
const MIN_READABLE_ZOOM = 0.8;

/** x of a layout column: values sit in even columns, op nodes in the odd ones between them */
function columnX(c: number): number {
  const pair = VALUE_W + OP_W + 2 * GAP;
  return Math.floor(c / 2) * pair + (c % 2 ? VALUE_W / 2 + GAP + OP_W / 2 : 0);
}

export interface GraphCallbacks {
  onHover(id: number | undefined, at: { x: number; y: number }): void;
  onClick(id: number): void;
}

/** the name a value is shown by: its label, or its id when it has none */
export function nameOf(n: TraceNode): string {
  return n.label || `#${n.id}`;
}

/** characters that fit on a line of a value's box: a longer name is cut with an ellipsis */
const NAME_CHARS = 22;

function boxed(name: string, ...numbers: string[]): string {
  return [name.length > NAME_CHARS ? name.slice(0, NAME_CHARS - 1) + "…" : name, ...numbers].join("\n");
}

export class GraphView {
  private readonly cy: cytoscape.Core;
  private readonly byId = new Map<number, TraceNode>();
  /** each element's own classes (value, leaf, op, …), under the state classes a step sets */
  private readonly base = new Map<string, string>();
  /** each element's state and label as last drawn */
  private readonly shown = new Map<string, string>();
  /** the elements by id: cytoscape's getElementById builds a collection on every call */
  private readonly eles = new Map<string, cytoscape.SingularElementReturnValue>();

  constructor(
    container: HTMLElement,
    private readonly trace: Trace,
    callbacks: GraphCallbacks,
  ) {
    for (const n of trace.nodes) this.byId.set(n.id, n);
    const { column, row } = layout({
      ids: trace.nodes.map((n) => n.id),
      children: new Map(trace.nodes.map((n) => [n.id, n.children])),
    });
    const elements: cytoscape.ElementDefinition[] = [];
    for (const n of trace.nodes) {
      const col = column.get(n.id)!;
      elements.push({
        group: "nodes",
        data: { id: `v${n.id}`, value: n.id },
        position: { x: columnX(col), y: row.get(n.id)! * ROW_GAP },
        classes: ["value", n.children.length ? "" : "leaf", n.id === trace.root ? "root" : ""].join(" ").trim(),
      });
      if (n.children.length === 0) continue;
      elements.push({
        group: "nodes",
        data: { id: `o${n.id}`, value: n.id, text: n.op },
        position: { x: columnX(col - 1), y: row.get(`op:${n.id}`)! * ROW_GAP },
        classes: "op",
      });
      elements.push({ group: "edges", data: { id: `r${n.id}`, source: `o${n.id}`, target: `v${n.id}` }, classes: "out" });
      n.children.forEach((c, i) => {
        elements.push({ group: "edges", data: { id: `e${n.id}_${i}`, source: `v${c}`, target: `o${n.id}` }, classes: "in" });
      });
    }
    for (const e of elements) this.base.set(String(e.data.id), String(e.classes ?? ""));
    this.cy = cytoscape({
      container,
      elements,
      layout: { name: "preset" },
      style: this.style(),
      minZoom: 0.05,
      maxZoom: 3,
      boxSelectionEnabled: false,
      autoungrabify: true,
    });
    this.cy.elements().forEach((e) => void this.eles.set(e.id(), e));
    this.cy.on("mouseover", "node", (e) => callbacks.onHover(e.target.data("value"), e.renderedPosition));
    this.cy.on("mouseout", "node", (e) => callbacks.onHover(undefined, e.renderedPosition));
    this.cy.on("tap", "node", (e) => callbacks.onClick(e.target.data("value")));
    this.fit();
  }

  /** the whole graph when its text stays readable (or `whole` is asked); else readable, at the root */
  fit(whole = false): void {
    this.cy.fit(undefined, 24);
    if (this.cy.zoom() > 1.25) {
      this.cy.zoom(1.25);
      this.cy.center();
    } else if (this.cy.zoom() < MIN_READABLE_ZOOM && !whole) {
      // the pass starts at the root: show it at the right edge, the rest pans into view as it steps
      const root = this.cy.getElementById(`v${this.trace.root}`).position();
      const z = MIN_READABLE_ZOOM;
      this.cy.viewport({ zoom: z, pan: { x: this.cy.width() - 24 - (root.x + VALUE_W / 2) * z, y: this.cy.height() / 2 - root.y * z } });
    }
  }

  /** the labels and highlights for the stepper's position */
  update(stepper: Stepper): void {
    const step = stepper.current;
    const updated = new Map<number, { before: number; after: number }>();
    for (const u of step?.updates ?? []) {
      const prior = updated.get(u.child);
      updated.set(u.child, { before: prior ? prior.before : u.before, after: u.after });
    }
    const processed = new Set<number>();
    for (let i = 0; i < stepper.position; i++) processed.add(stepper.trace.steps[i].node);
    this.cy.batch(() => {
      for (const n of this.trace.nodes) {
        const change = updated.get(n.id);
        const grad = change ? `grad ${fmt(change.before)} → ${fmt(change.after)}` : `grad ${fmt(stepper.grad(n.id))}`;
        const isCurrent = step?.node === n.id;
        const classes = [
          isCurrent ? "current" : "",
          change ? "updated" : "",
          processed.has(n.id) && !isCurrent ? "processed" : "",
          !Number.isFinite(n.data) || !Number.isFinite(stepper.grad(n.id)) ? "nonfinite" : "",
        ];
        this.show(`v${n.id}`, classes.join(" "), boxed(nameOf(n), `data ${fmt(n.data)}`, grad));
        if (n.children.length === 0) continue;
        const current = isCurrent ? "current" : "";
        this.show(`o${n.id}`, current);
        this.show(`r${n.id}`, current);
        n.children.forEach((_, i) => this.show(`e${n.id}_${i}`, current, isCurrent ? `∂ ${fmt(step!.updates[i].local)}` : ""));
      }
    });
  }

  /**
   * gives an element its state classes and label, touching cytoscape only when they changed: a step
   * changes a handful of elements, and restyling all of them would make big graphs sluggish.
   * labels that change are style bypasses, not data(): cytoscape keys its label textures by the
   * style, so a data-mapped label that grows is drawn clipped into its old texture.
   */
  private show(id: string, classes: string, label?: string): void {
    const state = `${classes}\u0000${label ?? ""}`;
    if (this.shown.get(id) === state) return;
    this.shown.set(id, state);
    const ele = this.eles.get(id)!;
    ele.classes(`${this.base.get(id)} ${classes}`);
    if (label !== undefined) ele.style("label", label);
  }

  /** pans so a step's node and its children are in view, when some of them are not */
  reveal(id: number): void {
    const n = this.byId.get(id);
    if (!n) return;
    let eles = this.cy.getElementById(`v${id}`).union(this.cy.getElementById(`o${id}`));
    for (const c of n.children) eles = eles.union(this.cy.getElementById(`v${c}`));
    const bb = eles.renderedBoundingBox({});
    if (bb.x1 < 0 || bb.y1 < 0 || bb.x2 > this.cy.width() || bb.y2 > this.cy.height()) {
      this.cy.stop();
      this.cy.animate({ center: { eles } }, { duration: 200 });
    }
  }

  restyle(): void {
    this.cy.style(this.style());
  }

  png(): string {
    return this.cy.png({ full: true, scale: 2, bg: themeColor("editor-background", "#1e1e1e") });
  }

  destroy(): void {
    this.cy.destroy();
  }

  private style(): cytoscape.StylesheetJson {
    const fg = themeColor("editor-foreground", "#cccccc");
    const bg = themeColor("editor-background", "#1e1e1e");
    const node = themeColor("editorWidget-background", "#252526");
    const border = themeColor("editorWidget-border", "#454545");
    const muted = themeColor("descriptionForeground", "#9d9d9d");
    const accent = themeColor("focusBorder", "#007fd4");
    const changed = themeColor("charts-orange", "#d18616");
    const error = themeColor("errorForeground", "#f48771");
    const mono = themeColor("editor-font-family", "monospace").split(",")[0].replace(/["']/g, "") || "monospace";
    return [
      {
        selector: "node.value",
        style: {
          shape: "round-rectangle",
          width: VALUE_W,
          height: VALUE_H,
          "background-color": node,
          "border-width": 1,
          "border-color": border,
          "text-wrap": "wrap",
          "text-max-width": "1000px",
          "text-valign": "center",
          "text-halign": "center",
          "font-family": mono,
          "font-size": 12,
          "line-height": 1.25,
          color: fg,
        },
      },
      { selector: "node.value.leaf", style: { "border-style": "dashed" } },
      { selector: "node.value.root", style: { "border-width": 2 } },
      { selector: "node.value.processed", style: { "border-color": muted } },
      { selector: "node.value.updated", style: { "border-color": changed, "border-width": 2 } },
      { selector: "node.value.current", style: { "border-color": accent, "border-width": 3 } },
      { selector: "node.value.nonfinite", style: { color: error } },
      {
        selector: "node.op",
        style: {
          shape: "ellipse",
          width: OP_W,
          height: OP_W,
          "background-color": bg,
          "border-width": 1,
          "border-color": border,
          label: "data(text)",
          "text-valign": "center",
          "text-halign": "center",
          "font-family": mono,
          "font-size": 13,
          color: fg,
        },
      },
      { selector: "node.op.current", style: { "border-color": accent, "border-width": 2, color: accent } },
      {
        selector: "edge",
        style: {
          width: 1,
          "line-color": border,
          "target-arrow-color": border,
          "target-arrow-shape": "triangle",
          "arrow-scale": 0.8,
          "curve-style": "bezier",
          "font-family": mono,
          "font-size": 11,
          "text-margin-y": -8,
          color: accent,
          "text-background-color": bg,
          "text-background-opacity": 1,
          "text-background-padding": "2px",
        },
      },
      { selector: "edge.current", style: { width: 2, "line-color": accent, "target-arrow-color": accent } },
    ];
  }
}

// the computation graph drawn with cytoscape: values as records (label, data, grad) with their op
// node, closed groups as boxes, open groups as frames around their content. it only draws: what is
// visible comes from projection.ts, where it goes from groupLayout.ts, the colours from the stepper.
import cytoscape from "cytoscape";
import type { Trace, TraceNode } from "../engine/trace";
import type { Stepper } from "./stepper";
import { fmt } from "./format";
import { themeColor } from "./dom";
import { boxTitle, type GroupTree } from "./groupTree";
import type { Scene } from "./scene";
import type { Unit } from "./projection";
import type { BoxSpan } from "./session";
import { fitZoom } from "./scene";
import { graphStyles } from "./graphStyles";
import { FONT_PX, OP_D, OP_GAP, boxLines, gradText, nameOf, shortName, valueBox } from "./unitSize";

/** on-screen text at least 11 px */
export const MIN_READABLE_ZOOM = 11 / FONT_PX;
const MAX_ZOOM = 1.25;

export interface GraphCallbacks {
  /** the pointer is over a value or a closed box (undefined: over nothing) */
  onHover(target: { value: number } | { box: number } | undefined, at: { x: number; y: number }): void;
  onClickValue(id: number): void;
  /** a closed box was clicked (open it) or an open frame was (close it) */
  onToggle(box: number): void;
}


/** a value's element: a ghost (a shared parameter drawn again where it is used) has its own */
function valueEl(u: Unit, index: number): string {
  return u.kind === "value" && u.ghost ? `q${index}` : `v${(u as { id: number }).id}`;
}

export class GraphView {
  private readonly cy: cytoscape.Core;
  private scene: Scene | undefined;
  private nodes = new Map<number, TraceNode>();
  /** each element's own classes (value, leaf, op, …), under the state classes a step sets */
  private readonly base = new Map<string, string>();
  /** each element's state and label as last drawn */
  private readonly shown = new Map<string, string>();
  private readonly eles = new Map<string, cytoscape.SingularElementReturnValue>();
  private publishing: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly container: HTMLElement,
    private readonly callbacks: GraphCallbacks,
  ) {
    this.cy = cytoscape({
      container,
      style: this.style(),
      minZoom: 0.02,
      maxZoom: 3,
      boxSelectionEnabled: false,
      autoungrabify: true,
      autounselectify: true,
    });
    const targetOf = (e: cytoscape.EventObject) => {
      const v = e.target.data("value");
      if (v !== undefined) return { value: v as number };
      const b = e.target.data("box");
      return b !== undefined ? { box: b as number } : undefined;
    };
    this.cy.on("mouseover", "node.value, node.op, node.box", (e) => callbacks.onHover(targetOf(e), e.renderedPosition));
    this.cy.on("mouseout", "node", (e) => callbacks.onHover(undefined, e.renderedPosition));
    this.cy.on("tap", "node.value, node.op", (e) => callbacks.onClickValue(e.target.data("value")));
    this.cy.on("tap", "node.box, node.frame", (e) => callbacks.onToggle(e.target.data("box")));
    // what is in view, as attributes of the graph element (end-to-end tests and assistive tech read them)
    this.cy.on("viewport", () => {
      clearTimeout(this.publishing);
      this.publishing = setTimeout(() => this.publish(), 60);
    });
    this.cy.on("mouseover", "node.box, node.frame", () => container.classList.add("pointing"));
    this.cy.on("mouseout", "node.box, node.frame", () => container.classList.remove("pointing"));
  }

  /** draws a scene; keeps the zoom when asked (a group opened mid-pass), else fits it */
  draw(trace: Trace, tree: GroupTree, scene: Scene, keepViewport: boolean): void {
    this.scene = scene;
    this.nodes = new Map(trace.nodes.map((n) => [n.id, n]));
    const elements = this.elements(trace, tree, scene);
    this.base.clear();
    this.shown.clear();
    this.eles.clear();
    for (const e of elements) this.base.set(String(e.data.id), String(e.classes ?? ""));
    const zoom = this.cy.zoom();
    this.cy.batch(() => {
      this.cy.elements().remove();
      this.cy.add(elements);
    });
    this.cy.elements().forEach((e) => void this.eles.set(e.id(), e));
    if (keepViewport) this.cy.zoom(zoom);
    else this.fit();
    this.publish();
  }

  /** zoom, how many things are drawn, and whether every value and box is wholly in view */
  private publish(): void {
    const d = this.container.dataset;
    const scene = this.scene;
    d.zoom = this.cy.zoom().toFixed(3);
    d.units = String(scene?.view.units.length ?? 0);
    const w = this.cy.width();
    const h = this.cy.height();
    const bb = this.cy.$("node.value, node.box, node.op").renderedBoundingBox({ includeLabels: false });
    d.allInView = String(scene !== undefined && bb.x1 >= -1 && bb.y1 >= -1 && bb.x2 <= w + 1 && bb.y2 <= h + 1);
  }

  private elements(trace: Trace, tree: GroupTree, scene: Scene): cytoscape.ElementDefinition[] {
    const { view, placement } = scene;
    const out: cytoscape.ElementDefinition[] = [];
    const frameId = (key: number) => `f${key}`;
    const parentOf = (container: number) => (container === 0 ? undefined : frameId(container));
    for (const key of view.open) {
      const b = tree.boxes[key];
      out.push({
        group: "nodes",
        data: { id: frameId(key), box: key, parent: parentOf(view.openIn.get(key)!), text: `▾ ${boxTitle(b)} · ${b.size.toLocaleString("en-US")} values` },
        classes: "frame",
      });
    }
    view.units.forEach((u, i) => {
      const r = placement.units[i];
      if (u.kind === "box") {
        const b = tree.boxes[u.key];
        out.push({
          group: "nodes",
          data: { id: `g${u.key}`, box: u.key, parent: parentOf(u.container), w: r.w, h: r.h },
          position: { x: r.x + r.w / 2, y: r.y + r.h / 2 },
          classes: b.kind === "series" ? "box series" : "box",
        });
        return;
      }
      const n = this.nodes.get(u.id)!;
      // the value's own box sits at the right of its unit, its op node at the left
      const valueW = n.children.length ? r.w - OP_D - OP_GAP : r.w;
      const valueH = valueBox(0).h;
      const vx = r.x + r.w - valueW / 2;
      const vy = r.y + r.h / 2;
      const classes = ["value", n.children.length ? "" : "leaf", n.id === trace.root ? "root" : "", u.ghost ? "ghost" : ""].join(" ").trim();
      out.push({ group: "nodes", data: { id: valueEl(u, i), value: n.id, parent: parentOf(u.container), w: valueW, h: valueH }, position: { x: vx, y: vy }, classes });
      if (n.children.length === 0) return;
      const ox = r.x + OP_D / 2;
      const oy = r.y + r.h / 2;
      out.push({ group: "nodes", data: { id: `o${n.id}`, value: n.id, parent: parentOf(u.container), text: n.op }, position: { x: ox, y: oy }, classes: "op" });
      out.push({ group: "edges", data: { id: `r${n.id}`, source: `o${n.id}`, target: `v${n.id}` }, classes: "out" });
    });
    const endOf = (unit: number, into: boolean) => {
      const u = view.units[unit];
      if (u.kind === "box") return `g${u.key}`;
      return into ? `o${u.id}` : valueEl(u, unit);
    };
    for (const e of view.edges) {
      if (e.parent !== undefined) {
        out.push({ group: "edges", data: { id: `e${e.parent}_${e.index}`, source: endOf(e.from, false), target: endOf(e.to, true) }, classes: "in" });
        continue;
      }
      // a bundle is as thick as the log of the edges it stands for
      const width = Math.min(6, 1 + Math.log2(e.count));
      out.push({ group: "edges", data: { id: `b${e.from}_${e.to}`, source: endOf(e.from, false), target: endOf(e.to, true), width }, classes: "bundle" });
    }
    return out;
  }

  /** the labels and highlights for the stepper's position */
  update(stepper: Stepper, tree: GroupTree, spans: Map<number, BoxSpan>): void {
    const scene = this.scene;
    if (!scene) return;
    const step = stepper.current;
    const updated = new Map<number, { before: number; after: number }>();
    for (const u of step?.updates ?? []) {
      const prior = updated.get(u.child);
      updated.set(u.child, { before: prior ? prior.before : u.before, after: u.after });
    }
    const pos = stepper.position;
    const stepIndex = stepper.stepIndex;
    const view = scene.view;
    const touched = new Set<number>();
    if (step) {
      touched.add(view.unitOf.get(step.node)!);
      for (const u of step.updates) touched.add(view.unitOf.get(u.child)!);
    }
    this.cy.batch(() => {
      view.units.forEach((u, i) => {
        if (u.kind === "box") {
          const b = tree.boxes[u.key];
          const span = spans.get(u.key);
          const holdsCurrent = step !== undefined && view.unitOf.get(step.node) === i;
          const holdsUpdated = step !== undefined && step.updates.some((x) => view.unitOf.get(x.child) === i);
          const state = [
            holdsCurrent ? "current" : holdsUpdated ? "updated" : "",
            span && pos > span.last ? "done" : span && pos > span.first ? "active" : "",
          ];
          this.show(`g${u.key}`, state.join(" "), boxLines(b, this.outText(b.outputs, stepper)).join("\n"));
          return;
        }
        const n = this.nodes.get(u.id)!;
        const change = updated.get(n.id);
        const grad = change ? gradText(change.before, change.after) : gradText(stepper.grad(n.id));
        const isCurrent = step?.node === n.id;
        const si = stepIndex.get(n.id);
        const classes = [
          isCurrent ? "current" : "",
          change ? "updated" : "",
          si !== undefined && si < pos - 1 ? "processed" : "",
          !Number.isFinite(n.data) || !Number.isFinite(stepper.grad(n.id)) ? "nonfinite" : "",
        ];
        this.show(valueEl(u, i), classes.join(" "), [shortName(nameOf(n)), `data ${fmt(n.data)}`, grad].join("\n"));
        if (n.children.length === 0) return;
        const current = isCurrent ? "current" : "";
        this.show(`o${n.id}`, current);
        this.show(`r${n.id}`, current);
        n.children.forEach((_, k) => {
          if (this.eles.has(`e${n.id}_${k}`)) this.show(`e${n.id}_${k}`, current, isCurrent ? `∂ ${fmt(step!.updates[k].local)}` : "");
        });
      });
      for (const key of view.open) this.show(`f${key}`, "");
    });
  }

  /** what flows out of a closed box: the grad of its one output, or the largest over several */
  private outText(outputs: number[], stepper: Stepper): string {
    if (outputs.length === 0) return "";
    if (outputs.length === 1) return gradText(stepper.grad(outputs[0]));
    let most = 0;
    for (const id of outputs) most = Math.max(most, Math.abs(stepper.grad(id)));
    return `|grad| ≤ ${fmt(most)}`;
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
    const ele = this.eles.get(id);
    if (!ele) return;
    ele.classes(`${this.base.get(id)} ${classes}`);
    if (label !== undefined) ele.style("label", label);
  }

  /** marks the frames of the boxes the step is in */
  markPath(boxes: readonly number[]): void {
    this.cy.batch(() => {
      this.cy.$("node.frame.onpath").removeClass("onpath");
      for (const k of boxes) this.eles.get(`f${k}`)?.addClass("onpath");
    });
  }

  /** pans (never zooms) so these values, or the boxes that hold them, are in view, when some are not */
  reveal(ids: readonly number[], animate = true): void {
    const scene = this.scene;
    if (!scene || ids.length === 0) return;
    let eles = this.cy.collection();
    for (const id of ids) {
      const u = scene.view.units[scene.view.unitOf.get(id)!];
      const el = u.kind === "box" ? this.eles.get(`g${u.key}`) : this.eles.get(`v${u.id}`);
      if (el) eles = eles.union(el);
      const op = u.kind === "value" && u.id === ids[0] ? this.eles.get(`o${u.id}`) : undefined;
      if (op) eles = eles.union(op);
    }
    const bb = eles.renderedBoundingBox({});
    const w = this.cy.width();
    const h = this.cy.height();
    if (bb.x1 >= 0 && bb.y1 >= 0 && bb.x2 <= w && bb.y2 <= h) return;
    this.cy.stop();
    // the first id (the step's node) must be in view even when all of them cannot be
    const target = bb.w <= w - 40 && bb.h <= h - 40 ? eles : eles.first();
    if (animate) this.cy.animate({ center: { eles: target } }, { duration: 200 });
    else this.cy.center(target);
  }

  /** briefly marks a value (or its box) that a search found */
  flash(id: number): void {
    const scene = this.scene;
    if (!scene) return;
    const u = scene.view.units[scene.view.unitOf.get(id)!];
    const el = u.kind === "box" ? this.eles.get(`g${u.key}`) : this.eles.get(`v${u.id}`);
    if (!el) return;
    this.cy.$("node.found").removeClass("found");
    el.addClass("found");
    this.container.dataset.found = String(id);
    setTimeout(() => el.removeClass("found"), 1600);
  }

  /** the whole graph when its text stays readable (or `whole` is asked); else readable, at the root */
  fit(whole = false, focus?: number): void {
    const scene = this.scene;
    if (!scene) return;
    const z = fitZoom(scene.placement, this.cy.width(), this.cy.height());
    if (z >= MIN_READABLE_ZOOM || whole) {
      this.cy.fit(undefined, 24);
      if (this.cy.zoom() > MAX_ZOOM) {
        this.cy.zoom(MAX_ZOOM);
        this.cy.center();
      }
      return;
    }
    this.cy.zoom(MIN_READABLE_ZOOM);
    const id = focus ?? [...this.nodes.values()].find((n) => scene.view.unitOf.has(n.id) && this.isRoot(n))?.id;
    if (id !== undefined) this.reveal([id], false);
  }

  private isRoot(n: TraceNode): boolean {
    return this.base.get(`v${n.id}`)?.includes("root") ?? false;
  }

  /** the zoom now (tests and the page's state read it) */
  get zoom(): number {
    return this.cy.zoom();
  }

  /** nothing to draw (no trace) */
  clear(): void {
    this.scene = undefined;
    this.cy.elements().remove();
  }

  resize(): void {
    this.cy.resize();
  }

  restyle(): void {
    this.cy.style(this.style());
  }

  destroy(): void {
    this.cy.destroy();
    this.container.replaceChildren();
  }

  private style(): cytoscape.StylesheetJson {
    const mono = themeColor("editor-font-family", "monospace").split(",")[0].replace(/["']/g, "") || "monospace";
    const contrast = document.body.classList.contains("vscode-high-contrast") || document.body.classList.contains("vscode-high-contrast-light");
    return graphStyles({
      fg: themeColor("editor-foreground", "#cccccc"),
      bg: themeColor("editor-background", "#1e1e1e"),
      node: themeColor("editorWidget-background", "#252526"),
      border: contrast ? themeColor("contrastBorder", "#6fc3df") : themeColor("editorWidget-border", "#454545"),
      muted: themeColor("descriptionForeground", "#9d9d9d"),
      accent: contrast ? themeColor("contrastActiveBorder", "#f38518") : themeColor("focusBorder", "#007fd4"),
      changed: themeColor("charts-orange", "#d18616"),
      error: themeColor("errorForeground", "#f48771"),
      frame: themeColor("sideBar-background", themeColor("editorWidget-background", "#252526")),
      found: themeColor("charts-yellow", "#cca700"),
      mono,
      contrast,
    });
  }
}

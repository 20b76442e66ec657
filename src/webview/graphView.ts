// the computation graph drawn with cytoscape: values as records (label, data, grad) with their op
// node, closed groups as boxes, open groups as frames around their content. it only draws: what is
// visible comes from projection.ts, where it goes from groupLayout.ts, the colours from the stepper.
import cytoscape from "cytoscape";
import cytoscapeSvg from "cytoscape-svg";
import type { Trace, TraceNode } from "../engine/trace";
import type { Look } from "./looks";
import { countOf } from "./format";
import { themeColor } from "./dom";
import { boxTitle, type GroupTree } from "./groupTree";
import type { Scene } from "./scene";
import type { Unit } from "./projection";
import type { Viewport } from "./state";
import { FRAME_TITLE } from "./groupLayout";
import { MIN_READABLE_ZOOM, fitZoom, nodeIndex, runEnds } from "./scene";
import { graphStyles } from "./graphStyles";
import { OP_D, OP_GAP, boxLines, heatTop, runLines, valueBox } from "./unitSize";
import { heatSize } from "./tensorText";
import { heatNumbers, heatmapUrl, sameNumbers } from "./heatmap";
import { nameOf, shortName } from "./names";

cytoscape.use(cytoscapeSvg);

const MAX_ZOOM = 1.25;

export interface GraphCallbacks {
  /** the pointer is over a value or a closed box (undefined: over nothing) */
  onHover(target: { value: number } | { box: number } | undefined, at: { x: number; y: number }): void;
  onClickValue(id: number): void;
  /** right-click on a value: its context menu, at a point of the graph's box */
  onContextValue(id: number, at: { x: number; y: number }): void;
  /** a closed box was clicked (open it) or an open frame was (close it) */
  onToggle(box: number): void;
  /** a run of folded values was clicked: draw every value of the box that holds it */
  onUnroll(box: number): void;
  /** the zoom or pan changed (the user's, or the view's own to show the step), once it settles */
  onViewport(viewport: Viewport): void;
}

/** values marked on the graph: those with a breakpoint, and those a what-if changed */
export interface Marks {
  breakpoints: ReadonlySet<number>;
  whatIf: ReadonlySet<number>;
}

/**
 * a unit's element: a closed box's, a run's (named by its first value), a value's; a ghost (a
 * shared parameter drawn again where it is used) has its own, named by the box it is drawn in
 */
function unitEl(u: Unit): string {
  if (u.kind === "box") return `g${u.key}`;
  if (u.kind === "run") return `h${u.ids[0]}`;
  return u.ghost ? `q${u.id}_${u.container}` : `v${u.id}`;
}

/**
 * works around a cytoscape 3.34 renderer quirk: a node with no background image is drawn with
 * `_private.backgrounding` flipped between true and false (its two image passes count "none"
 * differently), and each flip restyles the node with all its compound parents and descendants. with
 * 5,000 values in open frames every pan frame restyled all 37,000 elements (4 s a frame). we draw
 * no background images, so the flag is pinned to false.
 */
function pinBackgrounding(ele: cytoscape.SingularElementReturnValue): void {
  const p = (ele as unknown as { _private?: Record<string, unknown> })._private;
  if (!p || !("backgrounding" in p)) return;
  Object.defineProperty(p, "backgrounding", { get: () => false, set: () => undefined, configurable: true });
}

/** what an element is, apart from where it sits and what it says: when this changes it is made again */
function identity(e: cytoscape.ElementDefinition): string {
  const d = e.data;
  return `${e.classes ?? ""}|${d.parent ?? ""}|${d.source ?? ""}|${d.target ?? ""}|${d.value ?? ""}|${d.box ?? ""}`;
}

export class GraphView {
  private readonly cy: cytoscape.Core;
  private marks: Marks = { breakpoints: new Set(), whatIf: new Set() };
  private scene: Scene | undefined;
  private nodes = new Map<number, TraceNode>();
  /** each element's own classes (value, leaf, op, …), under the state classes a step sets */
  private readonly base = new Map<string, string>();
  /** each element's state and label as last drawn */
  private readonly shown = new Map<string, string>();
  /** the numbers each tensor box's heatmap shows now, by box key: a step that changes none of them makes no picture */
  private readonly heatShown = new Map<number, (number | undefined)[]>();
  private readonly eles = new Map<string, cytoscape.SingularElementReturnValue>();
  /** what each element drawn is (identity()): an element whose identity changes is made again */
  private readonly identities = new Map<string, string>();
  private publishing: ReturnType<typeof setTimeout> | undefined;
  private reporting: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly container: HTMLElement,
    private readonly callbacks: GraphCallbacks,
  ) {
    this.cy = cytoscape({
      container,
      style: this.style(),
      // nothing to lay out yet (cytoscape's default grid would run on the empty graph as the page loads)
      layout: { name: "preset" },
      minZoom: 0.02,
      maxZoom: 3,
      boxSelectionEnabled: false,
      autoungrabify: true,
      autounselectify: true,
      textureOnViewport: true,
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
    this.cy.on("cxttap", "node.value, node.op", (e) => callbacks.onContextValue(e.target.data("value"), e.renderedPosition));
    this.cy.on("tap", "node.box, node.frame", (e) => callbacks.onToggle(e.target.data("box")));
    this.cy.on("tap", "node.run", (e) => callbacks.onUnroll(e.target.data("run")));
    // what is in view, as attributes of the graph element (end-to-end tests and assistive tech read them)
    this.cy.on("viewport", () => {
      this.publishSoon();
      clearTimeout(this.reporting);
      this.reporting = setTimeout(() => callbacks.onViewport(this.viewport), 120);
    });
    this.cy.on("mouseover", "node.box, node.frame, node.run", () => container.classList.add("pointing"));
    this.cy.on("mouseout", "node.box, node.frame, node.run", () => container.classList.remove("pointing"));
  }

  /**
   * draws a scene, at the zoom and pan it has (the page fits or places it). only what changed is
   * touched: elements that stay are moved, so a step that opens one box costs what that box holds,
   * not what the whole graph shows
   */
  draw(trace: Trace, tree: GroupTree, scene: Scene, look: Look, marks: Marks): void {
    this.scene = scene;
    this.marks = marks;
    this.nodes = nodeIndex(trace);
    const elements = this.elements(trace, tree, scene);
    const next = new Map(elements.map((e) => [String(e.data.id), e]));
    this.cy.batch(() => {
      const gone = this.cy.collection();
      for (const [id, ele] of this.eles) {
        const e = next.get(id);
        if (!e || this.identities.get(id) !== identity(e)) gone.merge(ele);
      }
      // a node taken away takes its edges with it: those still wanted are made again below
      gone.remove();
      const fresh: cytoscape.ElementDefinition[] = [];
      for (const [id, e] of next) {
        const ele = this.eles.get(id);
        if (!ele || ele.removed()) {
          fresh.push(e);
          this.eles.delete(id);
          this.shown.delete(id);
          this.identities.set(id, identity(e));
          this.base.set(id, String(e.classes ?? ""));
          continue;
        }
        if (e.position) {
          const p = ele.position();
          if (p.x !== e.position.x || p.y !== e.position.y) ele.position(e.position);
        }
        const d = e.data;
        if (d.w !== undefined && (ele.data("w") !== d.w || ele.data("h") !== d.h)) ele.data({ w: d.w, h: d.h });
        if (d.text !== undefined && ele.data("text") !== d.text) ele.data("text", d.text);
      }
      for (const id of [...this.eles.keys()]) {
        if (!next.has(id)) {
          this.eles.delete(id);
          this.shown.delete(id);
          this.base.delete(id);
          this.identities.delete(id);
        }
      }
      // new elements are made with their state and label: a label set afterwards is a style
      // bypass, and restyling thousands of elements one by one costs seconds
      const made = new Map(fresh.map((e) => [String(e.data.id), e]));
      this.paint(look, tree, (id, classes, label) => {
        const e = made.get(id);
        if (!e) return;
        e.classes = `${e.classes ?? ""} ${classes}`;
        if (label !== undefined) e.data.label = label;
        this.shown.set(id, `${classes}\u0000${label ?? ""}`);
      });
      this.cy.add(fresh).forEach((ele) => {
        this.eles.set(ele.id(), ele);
        if (ele.isNode()) pinBackgrounding(ele);
      });
    });
    this.heatShown.clear();
    this.paintHeat(look, tree);
    this.container.dataset.units = String(scene.view.units.length);
    this.publishSoon();
  }

  /** the heatmaps of the closed tensor boxes too big for a grid of numbers, at this moment */
  private paintHeat(look: Look, tree: GroupTree): void {
    const scene = this.scene;
    if (!scene) return;
    for (const u of scene.view.units) {
      if (u.kind !== "box") continue;
      const b = tree.boxes[u.key];
      const heat = b.tensor && heatSize(b.tensor.shape);
      const ele = heat && this.eles.get(`g${u.key}`);
      if (!heat || !ele) continue;
      const xs = heatNumbers(b, look.cells.of);
      if (sameNumbers(this.heatShown.get(u.key), xs)) continue;
      this.heatShown.set(u.key, xs);
      ele.style({
        "background-image": heatmapUrl(b, xs, heat.cell),
        "background-fit": "none",
        "background-clip": "none",
        "background-width": heat.w,
        "background-height": heat.h,
        "background-position-x": "50%",
        "background-position-y": heatTop(b),
      });
    }
  }

  /** publishes once the page is idle: measuring what is in view makes cytoscape style every new element */
  private publishSoon(): void {
    clearTimeout(this.publishing);
    this.publishing = setTimeout(() => this.publish(), 60);
  }

  /** zoom, how many things are drawn, and whether every value and box is wholly in view */
  private publish(): void {
    const d = this.container.dataset;
    const scene = this.scene;
    d.zoom = this.cy.zoom().toFixed(3);
    d.units = String(scene?.view.units.length ?? 0);
    d.open = scene ? [...scene.view.open].sort((a, b) => a - b).join(",") : "";
    const w = this.cy.width();
    const h = this.cy.height();
    const bb = this.cy.$("node.value, node.box, node.op").renderedBoundingBox({ includeLabels: false });
    d.allInView = String(scene !== undefined && bb.x1 >= -1 && bb.y1 >= -1 && bb.x2 <= w + 1 && bb.y2 <= h + 1);
  }

  private elements(trace: Trace, tree: GroupTree, scene: Scene): cytoscape.ElementDefinition[] {
    const { view, placement } = scene;
    const out: cytoscape.ElementDefinition[] = [];
    // frames are plain nodes drawn under what they hold, sized by the layout: cytoscape's compound
    // nodes restyle a frame's whole content whenever one value in it changes (seconds, for thousands)
    const depthOf = (key: number): number => (key === 0 ? 0 : 1 + depthOf(view.openIn.get(key)!));
    for (const key of view.open) {
      const b = tree.boxes[key];
      const r = placement.frames.get(key)!;
      out.push({
        group: "nodes",
        data: { id: `f${key}`, box: key, depth: depthOf(key), w: r.w, h: r.h, text: `▾ ${boxTitle(b)} · ${countOf(b.size)}` },
        position: { x: r.x + r.w / 2, y: r.y + r.h / 2 },
        classes: "frame",
      });
    }
    view.units.forEach((u, i) => {
      const r = placement.units[i];
      if (u.kind === "run") {
        const label = runLines(u.ids.length, ...runEnds(trace, u.ids)).join("\n");
        out.push({
          group: "nodes",
          data: { id: unitEl(u), run: u.container, w: r.w, h: r.h, text: label },
          position: { x: r.x + r.w / 2, y: r.y + r.h / 2 },
          classes: "run",
        });
        return;
      }
      if (u.kind === "box") {
        const b = tree.boxes[u.key];
        out.push({
          group: "nodes",
          data: { id: `g${u.key}`, box: u.key, w: r.w, h: r.h, label: "" },
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
      const classes = ["value", n.children.length ? "" : "leaf", n.id === trace.root ? "root" : "", u.ghost ? "ghost" : ""]
        .join(" ")
        .trim();
      out.push({
        group: "nodes",
        data: { id: unitEl(u), value: n.id, w: valueW, h: valueH, label: "" },
        position: { x: vx, y: vy },
        classes,
      });
      if (n.children.length === 0) return;
      const ox = r.x + OP_D / 2;
      const oy = r.y + r.h / 2;
      out.push({ group: "nodes", data: { id: `o${n.id}`, value: n.id, text: n.op }, position: { x: ox, y: oy }, classes: "op" });
      out.push({ group: "edges", data: { id: `r${n.id}`, source: `o${n.id}`, target: `v${n.id}`, label: "" }, classes: "out" });
    });
    const endOf = (unit: number, into: boolean) => {
      const u = view.units[unit];
      return into && u.kind === "value" ? `o${u.id}` : unitEl(u);
    };
    for (const e of view.edges) {
      if (e.parent !== undefined) {
        out.push({
          group: "edges",
          data: { id: `e${e.parent}_${e.index}`, source: endOf(e.from, false), target: endOf(e.to, true), label: "" },
          classes: "in",
        });
        continue;
      }
      // a bundle is as thick as the log of the edges it stands for
      const width = Math.min(6, 1 + Math.log2(e.count));
      const source = endOf(e.from, false);
      const target = endOf(e.to, true);
      out.push({ group: "edges", data: { id: `b${source}_${target}`, source, target, width, label: "" }, classes: "bundle" });
    }
    return out;
  }

  /** the labels and highlights for a moment of the pass */
  update(look: Look, tree: GroupTree, marks: Marks): void {
    this.marks = marks;
    this.cy.batch(() => {
      this.paint(look, tree, (id, classes, label) => this.show(id, classes, label));
      this.paintHeat(look, tree);
    });
  }

  /** each element's state classes and label (undefined: it has none that changes), as the look says */
  private paint(look: Look, tree: GroupTree, put: (id: string, classes: string, label?: string) => void): void {
    const scene = this.scene;
    if (!scene) return;
    const view = scene.view;
    view.units.forEach((u, i) => {
      if (u.kind === "run") return;
      if (u.kind === "box") {
        const b = tree.boxes[u.key];
        const { classes, out } = look.box(b, (id) => view.unitOf.get(id) === i);
        put(`g${u.key}`, classes.join(" ").trim(), boxLines(b, out, look.cells).join("\n"));
        return;
      }
      const n = this.nodes.get(u.id)!;
      const v = look.value(n);
      const breakpoint = this.marks.breakpoints.has(n.id);
      const classes = [...v.classes, breakpoint ? "breakpoint" : "", this.marks.whatIf.has(n.id) ? "whatif" : ""];
      const name = (breakpoint ? "● " : "") + shortName(nameOf(n));
      put(unitEl(u), classes.filter(Boolean).join(" "), [name, v.data, v.grad].join("\n"));
      if (n.children.length === 0) return;
      const op = look.op(n);
      const current = op.current ? "current" : "";
      put(`o${n.id}`, current);
      put(`r${n.id}`, current);
      n.children.forEach((_, k) => put(`e${n.id}_${k}`, current, op.edge(k)));
    });
    for (const key of view.open) put(`f${key}`, "");
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

  /**
   * pans (never zooms) so these values, or the boxes that hold them, are in view, when some are not.
   * `within`: the open boxes around the first value, innermost first; when the view moves anyway,
   * it takes in the innermost one's title too if it can, so the step is never shown out of context
   */
  reveal(ids: readonly number[], animate = true, within: readonly number[] = []): void {
    const scene = this.scene;
    if (!scene || ids.length === 0) return;
    // where things are comes from the layout, not from cytoscape: measuring drawn elements makes it
    // style every one of them first
    const rects = ids.map((id) => scene.placement.units[scene.view.unitOf.get(id)!]);
    const box = (rs: typeof rects) => ({
      x1: Math.min(...rs.map((r) => r.x)),
      y1: Math.min(...rs.map((r) => r.y)),
      x2: Math.max(...rs.map((r) => r.x + r.w)),
      y2: Math.max(...rs.map((r) => r.y + r.h)),
    });
    const z = this.cy.zoom();
    const pan = this.cy.pan();
    const w = this.cy.width();
    const h = this.cy.height();
    const all = box(rects);
    if (all.x1 * z + pan.x >= 0 && all.y1 * z + pan.y >= 0 && all.x2 * z + pan.x <= w && all.y2 * z + pan.y <= h) return;
    this.cy.stop();
    // the first id (the step's node) must be in view even when all of them cannot be
    const fits = (b: ReturnType<typeof box>) => (b.x2 - b.x1) * z <= w - 40 && (b.y2 - b.y1) * z <= h - 40;
    let t = fits(all) ? all : box(rects.slice(0, 1));
    const frame = within.map((k) => scene.placement.frames.get(k)).find((f) => f !== undefined);
    if (frame) {
      // the title's band, centred above the frame
      const half = Math.min(frame.w, 200) / 2;
      const mid = frame.x + frame.w / 2;
      const title = { x1: mid - half, y1: frame.y - FRAME_TITLE, x2: mid + half, y2: frame.y };
      const withTitle = {
        x1: Math.min(t.x1, title.x1),
        y1: Math.min(t.y1, title.y1),
        x2: Math.max(t.x2, title.x2),
        y2: Math.max(t.y2, title.y2),
      };
      if (fits(withTitle)) t = withTitle;
    }
    const to = { x: w / 2 - ((t.x1 + t.x2) / 2) * z, y: h / 2 - ((t.y1 + t.y2) / 2) * z };
    if (animate) this.cy.animate({ pan: to }, { duration: 200 });
    else this.cy.pan(to);
  }

  /** where a value (or the box that holds it) is drawn, in page pixels: its lower middle; undefined when not drawn */
  pointOf(id: number): { x: number; y: number } | undefined {
    const scene = this.scene;
    const unit = scene?.view.unitOf.get(id);
    if (!scene || unit === undefined) return undefined;
    const r = scene.placement.units[unit];
    const z = this.cy.zoom();
    const pan = this.cy.pan();
    const box = this.container.getBoundingClientRect();
    return { x: box.left + (r.x + r.w / 2) * z + pan.x, y: box.top + (r.y + r.h) * z + pan.y };
  }

  /** briefly marks a value (or its box) that a search found */
  flash(id: number): void {
    const scene = this.scene;
    if (!scene) return;
    const el = this.eles.get(unitEl(scene.view.units[scene.view.unitOf.get(id)!]));
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
    const w = this.cy.width();
    const h = this.cy.height();
    const z = fitZoom(scene.placement, w, h);
    if (z >= MIN_READABLE_ZOOM || whole) {
      // centred, from the layout's own size (no element measured)
      const zoom = Math.max(this.cy.minZoom(), Math.min(MAX_ZOOM, z));
      const { width, height } = scene.placement;
      this.cy.viewport({ zoom, pan: { x: (w - width * zoom) / 2, y: (h - height * zoom) / 2 } });
      return;
    }
    this.cy.zoom(MIN_READABLE_ZOOM);
    const id = focus ?? [...this.nodes.values()].find((n) => scene.view.unitOf.has(n.id) && this.isRoot(n))?.id;
    if (id !== undefined) this.reveal([id], false);
  }

  private isRoot(n: TraceNode): boolean {
    return this.base.get(`v${n.id}`)?.includes("root") ?? false;
  }

  /** the zoom and pan now */
  get viewport(): Viewport {
    const pan = this.cy.pan();
    return { zoom: this.cy.zoom(), pan: { x: pan.x, y: pan.y } };
  }

  /** zoom and pan as saved (a reloaded page) */
  setViewport(v: Viewport): void {
    this.cy.viewport({ zoom: v.zoom, pan: { ...v.pan } });
  }

  /**
   * the graph as it is drawn now (the open groups, the step's colours), whole, on the theme's
   * background: png as base64 at twice the screen's scale, svg as text; "" when nothing is drawn
   */
  image(format: "png" | "svg"): string {
    if (this.cy.elements().empty()) return "";
    const bg = getComputedStyle(document.body).getPropertyValue("--vscode-editor-background").trim() || "#ffffff";
    if (format === "png") return this.cy.png({ full: true, scale: 2, bg, output: "base64" });
    return (this.cy as unknown as { svg(o: { full: boolean; scale: number; bg: string }): string }).svg({ full: true, scale: 1, bg });
  }

  clear(): void {
    this.scene = undefined;
    this.cy.elements().remove();
    this.eles.clear();
    this.base.clear();
    this.shown.clear();
    this.heatShown.clear();
    this.identities.clear();
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
    const contrast =
      document.body.classList.contains("vscode-high-contrast") || document.body.classList.contains("vscode-high-contrast-light");
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

// the page's behaviour: a run arrives -> a session; every action changes the session, then the views
// draw it. the graph is projected and laid out again only when what is visible changes.
import type { FromWebview, ImageFormat, RunResult, ScriptError } from "../shared/protocol";
import { button, el } from "./dom";
import { renderDetails } from "./details";
import { carryOver, describeStop, nextStop, type Breakpoint, type Stop } from "./breakpoints";
import { showMenu, type MenuItem } from "./contextMenu";
import { whatIf } from "../engine/whatIf";
import { fmt } from "./format";
import { applyResults, NumericCheck } from "../engine/numericCheck";
import type { Trace } from "../engine/trace";
import { GraphView, MIN_READABLE_ZOOM } from "./graphView";
import { describeBox, type GroupTree } from "./groupTree";
import { lossChart } from "./lossChart";
import { stepInto, stepOut, stepOver } from "./navigation";
import type { View } from "./projection";
import { buildScene, fitZoom, pickOrientation } from "./scene";
import { OPEN_BUDGET, Session, openToFit, type SavedState } from "./session";
import type { Action, Toolbar } from "./toolbar";
import { boxTip, showTip, valueTip } from "./tooltip";
import { nameOf } from "./unitSize";
import { ValuesTable, type TableRow } from "./valuesTable";

export interface PageParts {
  bar: Toolbar;
  banner: HTMLElement;
  graphBox: HTMLElement;
  details: HTMLElement;
  chart: HTMLElement;
  tableBox: HTMLElement;
  tooltip: HTMLElement;
}

export interface Host {
  post(msg: FromWebview): void;
  load(): SavedState | undefined;
  save(s: SavedState): void;
}

/** "Open all" draws every value; above this many it would freeze the panel */
export const OPEN_ALL_LIMIT = 3_000;
const PLAY_INTERVAL_MS = 700;

export class Controller {
  private session: Session | undefined;
  private graph: GraphView;
  private table: ValuesTable;
  /** the projection drawn now, and the forced boxes it was made with */
  private drawnKey = "";
  private view: View | undefined;
  private playing: ReturnType<typeof setInterval> | undefined;
  /** breakpoints on values; they outlive a run (kept by id, see breakpoints.ts) */
  private breakpoints: Breakpoint[] = [];
  /** where Continue or Play last stopped at a breakpoint, until the next move */
  private lastStop: Stop | undefined;
  /** what-if: the run's own result, and the leaves changed in it (id -> data) */
  private whatIf: { original: RunResult; edits: Map<number, number> } | undefined;
  private matches: number[] = [];
  private match = -1;
  /** the value the user last clicked, found or opened a menu on: the keyboard's context menu is for it */
  private picked: number | undefined;

  constructor(
    private readonly parts: PageParts,
    private readonly host: Host,
  ) {
    this.graph = new GraphView(parts.graphBox, {
      onHover: (t, at) => this.hover(t, at),
      onClickValue: (id) => this.goToLine(id),
      onContextValue: (id, at) => {
        const box = parts.graphBox.getBoundingClientRect();
        this.contextValue(id, box.left + at.x, box.top + at.y);
      },
      onToggle: (key) => this.toggle(key),
      onUnroll: (key) => this.unroll(key),
    });
    this.table = new ValuesTable(
      parts.tableBox,
      (id) => this.find(id),
      (id, x, y) => this.contextValue(id, x, y),
    );
    this.updateControls();
  }

  // ---- a run's result ----
  /** a new run: what-if edits belong to the last one; breakpoints stay on the values still there */
  show(res: RunResult, keepPosition: boolean): void {
    // breakpoints are kept by value id: only a re-run of the same script makes the same ids.
    // a reloaded page has none yet: they come back from its saved state
    const shown = (this.whatIf?.original ?? this.session?.result)?.file;
    const saved = shown === undefined ? this.host.load() : undefined;
    const kept =
      shown === undefined ? (saved?.file === res.file ? (saved.breakpoints ?? []) : []) : shown === res.file ? this.breakpoints : [];
    this.whatIf = undefined;
    this.breakpoints = res.trace ? carryOver(kept, res.trace) : kept;
    this.graph.marks = { breakpoints: new Set(this.breakpoints.map((b) => b.id)), whatIf: new Set() };
    this.present(res, keepPosition);
  }

  private present(res: RunResult, keepPosition: boolean): void {
    this.stopPlay();
    this.lastStop = undefined;
    const previous = this.session?.stepper.position;
    const saved = this.host.load();
    const reloaded = this.session === undefined && saved?.file === res.file;
    this.session = undefined;
    this.view = undefined;
    this.drawnKey = "";
    // a search's matches were ids of the last run's graph
    this.matches = [];
    this.match = -1;
    this.parts.bar.searchCount.textContent = "";
    this.parts.chart.replaceChildren();
    this.setBanner("");
    if (res.calls.length > 1)
      this.parts.chart.append(lossChart(res.calls, res.trace?.index, (index) => this.host.post({ type: "openCall", index })));
    if (res.locatedLimit) {
      this.parts.chart.append(
        el(
          "p",
          { class: "muted" },
          `Creation lines are recorded for the first ${res.locatedLimit.toLocaleString("en-US")} values of a run (it costs time); values made later have none.`,
        ),
      );
    }
    if (!res.trace) {
      const why = res.tooBig
        ? `The last backward() call's graph has ${res.tooBig.nodeCount.toLocaleString("en-US")} Values, more than the limit of ${res.tooBig.maxNodes.toLocaleString("en-US")}, so it was not sent to the panel. Raise the setting backpropStepper.maxNodes to step it.`
        : "The last backward() call ran with recording off (setRecording(false)), so it has no steps to show.";
      this.setBanner("info", why);
      this.parts.details.replaceChildren(el("p", {}, `${res.calls.length} backward() call(s) ran.`));
      this.graph.clear();
      this.table.clear();
      this.updateControls();
      return;
    }
    const s = new Session(res, res.trace);
    this.session = s;
    this.finishNumericCheck(res.trace);
    if (res.exitCode)
      this.setBanner("info", `The script ended itself with process.exit(${res.exitCode}); its last recorded backward() call is below.`);
    if (res.trace.accumulated) {
      this.setBanner(
        "warning",
        "Grads were not zero when this backward() began, so they accumulate (as in PyTorch): each grad below adds to what it held. Call zeroGrad() (or set each grad to 0) before backward() to start from zero.",
      );
    }
    const step = keepPosition && previous !== undefined ? previous : reloaded ? saved?.step : undefined;
    if (step !== undefined) s.stepper.goTo(step);
    if (reloaded && saved?.expanded) s.expanded = new Set(saved.expanded.filter((k) => k < s.tree.boxes.length));
    else openToFit(s.tree, s.expanded, () => this.fits(s), OPEN_BUDGET);
    this.table.setRows(tableRows(s));
    this.render(false);
    performance.mark("bps:interactive");
  }

  /** `partial`: what the run did before it ended (drawn below by show()) */
  /** a big graph's numeric check, run in slices after it is drawn: nothing waits on it */
  private numericTimer: ReturnType<typeof setTimeout> | undefined;
  private finishNumericCheck(trace: Trace): void {
    clearTimeout(this.numericTimer);
    if (!trace.numericPending) return;
    let check: NumericCheck | undefined;
    const slice = () => {
      if (this.session?.trace !== trace) return;
      check ??= new NumericCheck(trace);
      const done = check.run(performance.now() + 12);
      if (!done) return void (this.numericTimer = setTimeout(slice, 4));
      applyResults(trace, check);
      this.renderSide(this.session);
      performance.mark("bps:numeric-checked");
    };
    // a small graph (a what-if) right away; a big one once it is drawn
    this.numericTimer = setTimeout(slice, trace.nodes.length > 20_000 ? 300 : 0);
  }

  showError(error: ScriptError, partial?: RunResult): void {
    this.stopPlay();
    const where = error.pos ? `${error.pos.file.split(/[\\/]/).pop()}:${error.pos.line}:${error.pos.column}` : "";
    const content: (Node | string)[] = [el("strong", {}, where ? `${where}  ` : ""), el("span", { class: "message" }, error.message)];
    if (error.hint) content.push(el("pre", { class: "hint" }, error.hint));
    if (partial) {
      const n = partial.calls.length;
      const calls = `${n.toLocaleString("en-US")} backward() call${n === 1 ? "" : "s"} ran before the script stopped`;
      content.push(el("p", { class: "partial" }, partial.trace ? `${calls}; the last recorded one is below.` : `${calls}.`));
    }
    const pos = error.pos;
    if (pos)
      content.push(
        button("Go to line", "Reveal the line in the editor", "goto-error", () =>
          this.host.post({ type: "reveal", line: pos.line, column: pos.column, file: pos.file }),
        ),
      );
    this.setBanner("error", ...content);
  }

  /** the graph as drawn, for Export */
  image(format: ImageFormat): string {
    return this.session ? this.graph.image(format) : "";
  }

  /** a message to the host */
  post(msg: FromWebview): void {
    this.host.post(msg);
  }

  setStatus(text: string): void {
    this.parts.bar.status.textContent = text;
  }

  // ---- actions ----
  act(a: Action): void {
    const s = this.session;
    if (a === "play") return this.togglePlay();
    if (!s) return;
    const st = s.stepper;
    const p = st.position;
    this.lastStop = undefined;
    switch (a) {
      case "reset":
        st.reset();
        break;
      case "back":
        st.back();
        break;
      case "step":
        st.step();
        break;
      case "into":
        st.goTo(stepInto(s.chains, p));
        break;
      case "over":
        st.goTo(stepOver(s.chains, p));
        break;
      case "out":
        st.goTo(stepOut(s.chains, p));
        break;
      case "continue": {
        // to the end, or to the first breakpoint on the way
        this.lastStop = nextStop(s.trace, p, this.breakpoints);
        st.goTo(this.lastStop ? this.lastStop.position : st.total);
        break;
      }
      case "fit":
        this.graph.fit(true);
        return;
      case "export":
        this.host.post({ type: "export" });
        return;
      case "expandAll":
        s.expanded = new Set(s.tree.boxes.map((b) => b.key).filter((k) => k > 0));
        s.collapsed.clear();
        s.tree.boxes.forEach((b) => s.unrolled.add(b.key));
        break;
      case "collapseAll":
        s.expanded.clear();
        s.unrolled.clear();
        break;
      default: {
        const never: never = a;
        throw new Error(`unknown action ${String(never)}`);
      }
    }
    this.render(true);
  }

  private togglePlay(): void {
    if (this.playing) return this.stopPlay();
    const s = this.session;
    if (!s) return;
    if (s.stepper.done) s.stepper.reset();
    this.parts.bar.buttons.play.textContent = "Pause";
    this.lastStop = undefined;
    this.playing = setInterval(() => {
      const from = s.stepper.position;
      if (!s.stepper.step()) return this.stopPlay();
      const stop = nextStop(s.trace, from, this.breakpoints);
      if (stop && stop.position === s.stepper.position) {
        this.stopPlay();
        this.lastStop = stop;
      }
      this.render(true);
    }, PLAY_INTERVAL_MS);
    this.render(true);
  }

  private stopPlay(): void {
    if (this.playing) clearInterval(this.playing);
    this.playing = undefined;
    this.parts.bar.buttons.play.textContent = "Play";
  }

  private toggle(key: number): void {
    const s = this.session;
    if (!s) return;
    const open = this.view?.unitOfBox.has(key) ?? false;
    s.toggle(key, open);
    this.render(true, key);
  }

  /** draws every value of a long box, or folds its runs again */
  private unroll(key: number): void {
    const s = this.session;
    if (!s) return;
    if (!s.unrolled.delete(key)) s.unrolled.add(key);
    this.render(true, key);
  }

  /** search by label or id: the first match (or the next, on Enter) is revealed */
  search(query: string, next: boolean): void {
    const s = this.session;
    const q = query.trim().toLowerCase();
    const count = this.parts.bar.searchCount;
    if (!s || !q) {
      this.matches = [];
      count.textContent = "";
      return;
    }
    const id = /^#?\d+$/.test(q) ? Number(q.replace("#", "")) : undefined;
    if (!next || this.matches.length === 0) {
      this.matches = s.trace.nodes.filter((n) => n.id === id || (n.label && n.label.toLowerCase().includes(q))).map((n) => n.id);
      this.match = -1;
    }
    if (this.matches.length === 0) {
      count.textContent = "no match";
      return;
    }
    if (next) {
      this.match = (this.match + 1) % this.matches.length;
      this.find(this.matches[this.match]);
    }
    count.textContent = this.match < 0 ? `${this.matches.length} found` : `${this.match + 1} of ${this.matches.length}`;
  }

  /** opens the boxes around a value and shows it */
  find(id: number): void {
    const s = this.session;
    if (!s) return;
    this.picked = id;
    s.reveal(id);
    this.render(true);
    this.graph.reveal([id]);
    this.graph.flash(id);
    this.table.reveal(id);
  }

  // ---- drawing ----
  /** draws the session: re-projects and lays out when what is visible changed, else only restyles */
  render(keepViewport: boolean, around?: number): void {
    const s = this.session;
    if (!s) return this.updateControls();
    const forced = s.forced();
    const key = s.viewKey(forced);
    if (key !== this.drawnKey) {
      this.drawnKey = key;
      this.view = s.view(forced);
      const box = this.parts.graphBox;
      const scene =
        s.orient === undefined
          ? pickOrientation(
              s.trace,
              s.tree,
              s.widest,
              (id) => s.nodes.get(id)!.children.length > 0,
              this.view,
              box.clientWidth,
              box.clientHeight,
            )
          : buildScene(s.trace, s.tree, s.widest, (id) => s.nodes.get(id)!.children.length > 0, this.view, s.orient);
      s.orient = scene.orient;
      this.graph.draw(s.trace, s.tree, scene, keepViewport, s.stepper, s.spans);
      if (!keepViewport) this.graph.fit(false, s.focus);
      performance.mark("bps:drawn");
    }
    const st = s.stepper;
    this.graph.update(st, s.tree, s.spans);
    this.graph.markPath(s.holding());
    const step = st.current;
    const changed = new Set(step?.updates.map((u) => u.child) ?? []);
    this.table.update((id) => st.grad(id), step?.node, changed);
    this.renderSide(s);
    this.parts.bar.position.textContent = `Step ${st.position} of ${st.total}`;
    if (around !== undefined && this.view?.unitOfBox.has(around)) this.graph.reveal([this.firstIn(s.tree, around)]);
    else this.graph.reveal([s.focus, ...(step?.updates.map((u) => u.child) ?? [])], true, s.holding());
    this.updateControls();
    this.host.save({ ...s.saved(), breakpoints: this.breakpoints });
    this.host.post({ type: "stepChanged", step: st.position, total: st.total });
    performance.mark("bps:stepped");
  }

  /** whether the session's view, as it is now, can be drawn whole at a readable zoom */
  private fits(s: Session): boolean {
    const box = this.parts.graphBox;
    const scene = pickOrientation(
      s.trace,
      s.tree,
      s.widest,
      (id) => s.nodes.get(id)!.children.length > 0,
      s.view(),
      box.clientWidth,
      box.clientHeight,
    );
    return fitZoom(scene.placement, box.clientWidth, box.clientHeight) >= MIN_READABLE_ZOOM;
  }

  private firstIn(tree: GroupTree, key: number): number {
    const b = tree.boxes[key];
    return b.values[0] ?? this.firstIn(tree, b.boxes[0]);
  }

  /** the panel changed size: choose the orientation again and fit */
  resized(): void {
    const s = this.session;
    if (!s) return;
    this.graph.resize();
    s.orient = undefined;
    this.drawnKey = "";
    this.render(false);
  }

  restyle(): void {}

  private updateControls(): void {
    const s = this.session?.stepper;
    const b = this.parts.bar.buttons;
    b.reset.disabled = b.back.disabled = !s || s.position === 0;
    b.step.disabled = b.into.disabled = b.over.disabled = b.continue.disabled = !s || s.done;
    b.out.disabled = !s || s.done || s.position === 0;
    b.play.disabled = !s || (s.done && !this.playing);
    b.fit.disabled = !s;
    b.export.disabled = !s;
    const groups = (this.session?.tree.boxes.length ?? 0) > 1;
    b.expandAll.disabled = !groups || this.session!.trace.nodes.length > OPEN_ALL_LIMIT;
    b.expandAll.title =
      b.expandAll.disabled && groups
        ? `Too many values (over ${OPEN_ALL_LIMIT.toLocaleString("en-US")}) to draw at once: open groups one by one`
        : "Open every group";
    b.collapseAll.disabled = !groups;
    this.parts.bar.search.disabled = !s;
  }

  private setBanner(kind: "" | "warning" | "error" | "info", ...content: (Node | string)[]): void {
    this.parts.banner.className = `banner ${kind}`;
    this.parts.banner.replaceChildren(...content);
  }

  /** the details pane: the step's chain rule, where a breakpoint stopped, the breakpoints */
  private renderSide(s: Session): void {
    renderDetails(this.parts.details, s);
    if (this.lastStop) this.parts.details.prepend(el("p", { class: "stopped", id: "stopped" }, describeStop(this.lastStop)));
    if (this.breakpoints.length === 0) return;
    const items = this.breakpoints.map((bp) =>
      el(
        "li",
        {},
        `● ${bp.label || `#${bp.id}`}: ${breakpointText(bp)}`,
        button("✕", "Remove this breakpoint", "", () => this.setBreakpoints(this.breakpoints.filter((b) => b !== bp))),
      ),
    );
    this.parts.details.append(el("div", { class: "breakpoints" }, el("strong", {}, "Breakpoints"), el("ul", {}, ...items)));
  }

  private setBreakpoints(bps: Breakpoint[]): void {
    this.breakpoints = bps;
    this.graph.marks = { ...this.graph.marks, breakpoints: new Set(bps.map((b) => b.id)) };
    if (this.session) this.render(true);
  }

  // ---- a value's context menu: breakpoints, run to here, what-if ----
  /**
   * the context menu from the keyboard (Shift+F10 or the menu key): for the value last clicked,
   * found or opened, else the step's node, else the output; shown under it in the graph
   */
  openMenu(): void {
    const s = this.session;
    if (!s) return;
    const id = [this.picked, s.stepper.current?.node, s.trace.root].find((v) => v !== undefined && s.nodes.has(v));
    if (id === undefined) return;
    this.graph.reveal([id], false);
    const box = this.parts.graphBox.getBoundingClientRect();
    const at = this.graph.pointOf(id) ?? { x: box.left + box.width / 2, y: box.top + box.height / 2 };
    this.contextValue(id, at.x, at.y);
  }

  private contextValue(id: number, x: number, y: number): void {
    const s = this.session;
    const n = s?.nodes.get(id);
    if (!s || !n) return;
    this.picked = id;
    const label = nameOf(n);
    const has = (kind: Breakpoint["kind"]) => this.breakpoints.find((b) => b.id === id && b.kind === kind);
    const toggle = (bp: Breakpoint) => {
      const old = has(bp.kind);
      const rest = this.breakpoints.filter((b) => b !== old);
      this.setBreakpoints(old && bp.kind !== "above" ? rest : [...rest, bp]);
    };
    const items: MenuItem[] = [
      {
        label: "Stop when its grad becomes NaN or infinite",
        checked: !!has("nonFinite"),
        run: () => toggle({ id, label, kind: "nonFinite" }),
      },
      {
        label: "Stop when |grad| goes above…",
        checked: !!has("above"),
        number: { initial: String((has("above") as { bound?: number } | undefined)?.bound ?? 1), placeholder: "a bound, such as 10" },
        run: (v) => toggle({ id, label, kind: "above", bound: Math.abs(v!) }),
      },
    ];
    const stepAt = s.stepper.stepIndex.get(id);
    if (stepAt !== undefined) {
      items.push({ label: "Stop when the pass reaches it", checked: !!has("reach"), run: () => toggle({ id, label, kind: "reach" }) });
      items.push({
        label: "Run to here",
        run: () => {
          this.lastStop = undefined;
          s.stepper.goTo(stepAt + 1);
          this.render(true);
        },
      });
    }
    if (this.breakpoints.some((b) => b.id === id))
      items.push({ label: "Remove its breakpoints", run: () => this.setBreakpoints(this.breakpoints.filter((b) => b.id !== id)) });
    if (n.children.length === 0 && s.trace.recorded)
      items.push({
        label: "Change its data… (what-if)",
        number: { initial: String(n.data), placeholder: "a new value" },
        run: (v) => this.applyWhatIf(id, v!),
      });
    if (this.whatIf) items.push({ label: "Reset what-if: the script's values", run: () => this.resetWhatIf() });
    showMenu(label, items, x, y);
  }

  /** a leaf's data changed: the graph's values and grads worked out again from the recorded ops */
  private applyWhatIf(id: number, value: number): void {
    const base = this.whatIf?.original ?? this.session?.result;
    if (!base?.trace) return;
    const edits = new Map(this.whatIf?.edits ?? []);
    const original = base.trace.nodes.find((n) => n.id === id)!.data;
    if (Object.is(original, value)) edits.delete(id);
    else edits.set(id, value);
    if (edits.size === 0) return this.resetWhatIf();
    const r = whatIf(base.trace, edits);
    this.whatIf = { original: base, edits };
    this.graph.marks = { ...this.graph.marks, whatIf: r.changed };
    this.present({ ...base, trace: r.trace }, true);
    const nodes = new Map(base.trace.nodes.map((n) => [n.id, n]));
    const said = [...edits].map(([k, v]) => `${nameOf(nodes.get(k)!)} = ${fmt(v)} (was ${fmt(nodes.get(k)!.data)})`).join(", ");
    this.setBanner(
      "info",
      el(
        "span",
        { class: "message" },
        `What-if: ${said}. Values and grads are worked out again from the recorded ops, without running the script; the ${r.changed.size} that changed are in orange.` +
          (r.approximate ? " Through a hand-written op the change is linearised with its locals." : ""),
      ),
      button("Reset", "Back to the script's values", "reset-whatif", () => this.resetWhatIf()),
    );
  }

  private resetWhatIf(): void {
    const base = this.whatIf?.original;
    this.whatIf = undefined;
    this.graph.marks = { ...this.graph.marks, whatIf: new Set() };
    if (base) this.present(base, true);
  }

  // ---- hover and click ----
  private hover(t: { value: number } | { box: number } | undefined, at: { x: number; y: number }): void {
    const s = this.session;
    if (!t || !s) return void this.parts.tooltip.classList.remove("visible");
    const lines = "value" in t ? valueTip(s, t.value, s.result.locatedLimit) : boxTip(s, t.box);
    const box = this.parts.graphBox.getBoundingClientRect();
    showTip(this.parts.tooltip, lines, box.left + at.x, box.top + at.y);
  }

  hideTip(): void {
    this.parts.tooltip.classList.remove("visible");
  }

  private goToLine(id: number): void {
    this.picked = id;
    const loc = this.session?.nodes.get(id)?.loc;
    if (loc) this.host.post({ type: "reveal", line: loc.line, column: loc.column, file: loc.file });
  }
}

/** every value, output first for a small graph; parameters first, by their neuron's path, for a grouped one */
function tableRows(s: Session): TableRow[] {
  // a parameter is made in its module's parameters group (calls and parameters share the owner id)
  const paramGroups = new Set(s.trace.groups.filter((g) => g.call === null && g.owner === g.id).map((g) => g.id));
  const paths = new Map<number, string>();
  const rows = s.trace.nodes.map((n): TableRow => {
    const key = s.tree.boxOf.get(n.id) ?? 0;
    const path = paths.get(key) ?? paths.set(key, describeBox(s.tree, key)).get(key)!;
    return { id: n.id, name: nameOf(n), path, op: n.op, data: n.data, param: n.group !== undefined && paramGroups.has(n.group) };
  });
  if (s.tree.boxes.length === 1) return rows.reverse();
  const params = rows
    .filter((r) => r.param)
    .sort((a, b) => `${a.path} ${a.name}`.localeCompare(`${b.path} ${b.name}`, undefined, { numeric: true }));
  const rest = rows.filter((r) => !r.param).reverse();
  return params.concat(rest);
}

function breakpointText(bp: Breakpoint): string {
  switch (bp.kind) {
    case "nonFinite":
      return "grad becomes NaN or infinite";
    case "above":
      return `|grad| goes above ${bp.bound}`;
    case "reach":
      return "the pass reaches it";
  }
}

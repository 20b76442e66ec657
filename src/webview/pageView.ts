// the page's views, drawn from its state and nothing else: the toolbar's controls, the banner, the
// graph, the details pane, the loss chart, the values table, the context menu. each view keeps only
// what it last drew, so drawing the same state again touches nothing. user input goes out through
// the callbacks as it comes in; what it does is update.ts's business.
import type { Toolbar } from "./toolbar";
import { button, el } from "./dom";
import { renderDetails, renderForward } from "./details";
import { describeStop, type Breakpoint } from "./breakpoints";
import { ContextMenu } from "./contextMenu";
import { drawnOf } from "./drawn";
import { GraphView, type Marks } from "./graphView";
import { lossChart } from "./lossChart";
import { decisionView } from "./decisionView";
import { menuItems, type MenuItem } from "./menuItems";
import { notices, type Notice } from "./notices";
import { focusOf, touchedOf, viewKey, viewOf } from "./openBoxes";
import { backwardLook, forwardLook, updateLook, type TableMoment } from "./looks";
import { renderUpdate } from "./updateDetails";
import type { RunFacts } from "./runFacts";
import { buildScene } from "./scene";
import { shownOf, type Cue, type PageState, type Shown, type Viewport } from "./state";
import { OPEN_ALL_LIMIT, type Action } from "./update";
import { ValuesTable } from "./valuesTable";
import type { BackwardSummary, RunResult } from "../shared/protocol";

/** a graph of this many values gets its values table a frame after its first draw */
const TABLE_LATER_FROM = 5_000;

export interface PageParts {
  bar: Toolbar;
  banner: HTMLElement;
  graphBox: HTMLElement;
  details: HTMLElement;
  chart: HTMLElement;
  tableBox: HTMLElement;
}

/** what the views report: actions for the state, and the few things that go to the host or are only shown */
export interface ViewEvents {
  dispatch(a: Action): void;
  /** a value clicked on the graph: its line in the editor */
  clickValue(id: number): void;
  hover(target: { value: number } | { box: number } | undefined, at: { x: number; y: number }): void;
  /** the loss curve clicked: that call's graph (the host runs the script again) */
  pickCall(index: number): void;
  /** the error's "Go to line" */
  gotoError(): void;
}

export class PageView {
  readonly graph: GraphView;
  private readonly table: ValuesTable;
  private readonly menu: ContextMenu;
  /** what the graph shows: the facts and the view key it was drawn from */
  private drawnFacts: RunFacts | undefined;
  private drawnKey = "";
  private drawnRun: RunResult | undefined;
  /** the phase and position last drawn: the view follows the pass when they change */
  private drawnMoment = "";
  private seenCue: Cue | undefined;
  private tableFacts: RunFacts | undefined;
  private tableRun: RunResult | undefined;
  /** what the table is to show once it is filled (drawTable), and whether a fill is waiting for the next frame */
  private tableDue: { f: RunFacts; shown: Shown; moment: TableMoment; find: number | undefined } | undefined;
  private tableWaiting = false;
  private chartFor: unknown;
  private bannerText = "";

  constructor(
    private readonly parts: PageParts,
    private readonly events: ViewEvents,
  ) {
    const dispatch = events.dispatch;
    this.graph = new GraphView(parts.graphBox, {
      onHover: (t, at) => events.hover(t, at),
      onClickValue: (id) => events.clickValue(id),
      onContextValue: (id, at) => {
        const box = parts.graphBox.getBoundingClientRect();
        dispatch({ type: "menu", id, x: box.left + at.x, y: box.top + at.y });
      },
      onToggle: (key) => dispatch({ type: "toggleBox", key }),
      onUnroll: (key) => dispatch({ type: "unroll", key }),
      onViewport: (viewport) => dispatch({ type: "viewport", viewport }),
    });
    this.table = new ValuesTable(
      parts.tableBox,
      (id) => dispatch({ type: "find", id }),
      (id, x, y) => dispatch({ type: "menu", id, x, y }),
      (text) => dispatch({ type: "filter", text }),
    );
    this.menu = new ContextMenu(
      (item: MenuItem, value?: number) => {
        dispatch({ type: "closeMenu" });
        dispatch(item.act(value));
      },
      () => dispatch({ type: "closeMenu" }),
    );
  }

  draw(s: PageState): void {
    const shown = shownOf(s);
    this.drawBanner(s);
    this.drawChart(s);
    this.drawControls(s, shown);
    if (!shown) {
      this.graph.clear();
      this.table.clear();
      this.drawnFacts = undefined;
      this.drawnKey = "";
      this.drawnRun = undefined;
      this.tableFacts = undefined;
      this.tableRun = undefined;
      this.tableDue = undefined;
      this.drawEmptyDetails(s);
    } else this.drawShown(s, shown);
    const m = s.menu;
    const items = m ? menuItems(s, m.id) : undefined;
    this.menu.draw(m, items && m ? { ...items, x: m.x, y: m.y } : undefined);
  }

  private drawShown(s: PageState, shown: Shown): void {
    const d = drawnOf(shown);
    const f = d.facts;
    const st = f.at(shown.step);
    const view = viewOf(f, shown);
    const marks: Marks = { breakpoints: new Set(s.breakpoints.map((b) => b.id)), whatIf: d.changed };
    const key = `${viewKey(shown)}|${shown.orient}`;
    const newRun = this.drawnRun !== shown.run;
    const look =
      shown.phase === "forward"
        ? forwardLook(f, shown.fstep)
        : shown.phase === "update" && f.trace.update
          ? updateLook(f, f.trace.update)
          : backwardLook(f, st);
    if (key !== this.drawnKey || f !== this.drawnFacts) {
      const scene = buildScene(f.trace, f.tree, f.widest, f.hasOp, view, shown.orient);
      this.graph.draw(f.trace, f.tree, scene, look, marks);
      this.drawnKey = key;
      this.drawnFacts = f;
      performance.mark("bps:drawn");
    }
    // what stayed drawn takes the moment's labels too (a draw labels only what it makes)
    this.graph.update(look, f.tree, marks);
    const focus = focusOf(f, shown);
    const path = f.holding(focus);
    this.graph.markPath(path);
    const moment = `${shown.phase}|${shown.step}|${shown.fstep}`;

    // where the view looks: fitted for a new graph, as saved for a reloaded one, then the step kept in view
    if (!shown.viewport) {
      this.graph.fit(false, focus);
      this.events.dispatch({ type: "viewport", viewport: this.graph.viewport });
    } else if (newRun) this.graph.setViewport(shown.viewport);
    const cue = shown.cue !== this.seenCue ? shown.cue : undefined;
    this.seenCue = shown.cue;
    if (cue?.kind === "fit") this.graph.fit(true);
    else if (cue?.kind === "find") {
      this.graph.reveal([cue.id]);
      this.graph.flash(cue.id);
    } else if (cue?.kind === "box" && view.unitOfBox.has(cue.key)) this.graph.reveal([f.firstIn(cue.key)]);
    else if (moment !== this.drawnMoment || newRun || cue) this.graph.reveal([focus, ...touchedOf(f, shown)], true, path);
    this.drawnRun = shown.run;
    this.drawnMoment = moment;

    this.drawTable(f, shown, look.table, cue);
    this.drawDetails(s, shown, f);
  }

  /**
   * the values table at this moment. a big graph's rows take a tenth of a second to make: its graph
   * is painted first and the table filled a frame later, with the moment the page is at by then
   */
  private drawTable(f: RunFacts, shown: Shown, moment: TableMoment, cue: Cue | undefined): void {
    const find = cue?.kind === "find" ? cue.id : undefined;
    this.tableDue = { f, shown, moment, find: find ?? this.tableDue?.find };
    if (this.tableWaiting) return;
    if (this.tableFacts !== f && f.trace.nodes.length >= TABLE_LATER_FROM) {
      // another run's rows are not shown meanwhile (a what-if's are the same values, and keep their scroll)
      if (this.tableRun !== shown.run) {
        this.table.clear();
        this.tableFacts = undefined;
        this.tableRun = undefined;
      }
      this.tableWaiting = true;
      requestAnimationFrame(() =>
        setTimeout(() => {
          this.tableWaiting = false;
          this.fillTable();
        }),
      );
      return;
    }
    this.fillTable();
  }

  /** the table as tableDue says (nothing when the page has been cleared meanwhile) */
  private fillTable(): void {
    const due = this.tableDue;
    if (!due) return;
    this.tableDue = undefined;
    if (this.tableFacts !== due.f) {
      // a what-if's values are the run's own values again: the table stays where it was scrolled
      this.table.setRows(due.f.rows(), this.tableRun === due.shown.run);
      this.tableFacts = due.f;
      this.tableRun = due.shown.run;
    }
    this.table.setFilter(due.shown.filter);
    this.table.update(due.moment);
    if (due.find !== undefined) this.table.reveal(due.find);
  }

  /** the details pane: the step's chain rule, where a breakpoint stopped, the breakpoints */
  private drawDetails(s: PageState, shown: Shown, f: RunFacts): void {
    const pane = this.parts.details;
    if (shown.phase === "forward") renderForward(pane, f, shown.fstep);
    else if (shown.phase === "update") renderUpdate(pane, f, shown.run.calls, (id) => this.events.dispatch({ type: "find", id }));
    else renderDetails(pane, f, f.at(shown.step));
    if (shown.stop) pane.prepend(el("p", { class: "stopped", id: "stopped" }, describeStop(shown.stop)));
    if (s.breakpoints.length === 0) return;
    const items = s.breakpoints.map((bp) =>
      el(
        "li",
        {},
        `● ${bp.label || `#${bp.id}`}: ${breakpointText(bp)}`,
        button("✕", "Remove this breakpoint", "", () => this.events.dispatch({ type: "unbreak", breakpoint: bp })),
      ),
    );
    pane.append(el("div", { class: "breakpoints" }, el("strong", {}, "Breakpoints"), el("ul", {}, ...items)));
  }

  private drawEmptyDetails(s: PageState): void {
    const pane = this.parts.details;
    const page = s.page;
    if (page.kind === "summary") pane.replaceChildren(el("p", {}, `${page.run.calls.length} backward() call(s) ran.`));
    else if (page.kind === "empty")
      pane.replaceChildren(
        el("h3", {}, s.running ? "Running the script…" : "No graph yet"),
        el("p", { class: "muted" }, "The graph of the script's last backward() call appears here once the script has run."),
      );
    else pane.replaceChildren();
  }

  /** the notices above the graph, one after another */
  private drawBanner(s: PageState): void {
    const list = notices(s);
    const text = JSON.stringify(list);
    if (text === this.bannerText) return;
    this.bannerText = text;
    this.parts.banner.replaceChildren(...list.map((n) => this.notice(n)));
  }

  private notice(n: Notice): HTMLElement {
    const content: (Node | string)[] = [];
    if (n.where) content.push(el("strong", {}, `${n.where}  `));
    content.push(el("span", { class: "message" }, n.text));
    if (n.hint) content.push(el("pre", { class: "hint" }, n.hint));
    if (n.more) content.push(el("p", { class: "partial" }, n.more));
    const b = n.button;
    if (b) {
      const does = b.does === "gotoError" ? () => this.events.gotoError() : () => this.events.dispatch({ type: "resetWhatIf" });
      content.push(button(b.label, b.title, b.id, does));
    }
    return el("div", { class: `notice ${n.kind}`, id: `notice-${n.id}` }, ...content);
  }

  /** the loss per call, when the run made more than one; drawn again only for another run */
  private drawChart(s: PageState): void {
    const page = s.page;
    const run = page.kind === "showing" ? page.shown.run : page.kind === "summary" ? page.run : undefined;
    const drawnIndex = page.kind === "showing" ? page.shown.run.trace.index : undefined;
    if (this.chartFor === run) return;
    this.chartFor = run;
    const chart = this.parts.chart;
    chart.replaceChildren();
    if (!run) return;
    const calls: BackwardSummary[] = run.calls;
    if (calls.length > 1) chart.append(lossChart(calls, drawnIndex, (index) => this.events.pickCall(index)));
    if (run.decision) chart.append(decisionView(run.decision, drawnIndex));
    if (run.locatedLimit)
      chart.append(
        el(
          "p",
          { class: "muted" },
          `Creation lines are recorded for the first ${run.locatedLimit.toLocaleString("en-US")} values of a run (it costs time); values made later have none.`,
        ),
      );
  }

  private drawControls(s: PageState, shown: Shown | undefined): void {
    const bar = this.parts.bar;
    const b = bar.buttons;
    const f = shown ? drawnOf(shown).facts : undefined;
    const forward = shown?.phase === "forward";
    const total = (forward ? f?.forwardOrder.length : f?.total) ?? 0;
    const p = (forward ? shown?.fstep : shown?.step) ?? 0;
    const done = !shown || p >= total || shown.phase === "update";
    bar.status.textContent = s.running ? `Running ${s.fileName}…` : s.fileName;
    bar.position.textContent = !shown
      ? ""
      : forward
        ? `Forward ${p} of ${total}`
        : shown.phase === "update"
          ? "Update"
          : `Step ${p} of ${total}`;
    for (const [phase, tab] of Object.entries(bar.phases)) {
      tab.disabled = !shown || (phase === "update" && !f?.trace.update);
      if (phase === "update") tab.title = f?.trace.update ? UPDATE_TITLE : "Nothing changed the parameters after this backward()";
      tab.setAttribute("aria-selected", String(shown?.phase === phase));
    }
    b.reset.disabled = b.back.disabled = !shown || p === 0 || shown.phase === "update";
    b.step.disabled = b.into.disabled = b.over.disabled = b.continue.disabled = done;
    b.out.disabled = done || p === 0;
    b.play.disabled = !shown || (done && !shown.playing);
    b.play.textContent = shown?.playing ? "Pause" : "Play";
    b.fit.disabled = !shown;
    b.export.disabled = !shown;
    const groups = (f?.tree.boxes.length ?? 0) > 1;
    b.expandAll.disabled = !groups || f!.trace.nodes.length > OPEN_ALL_LIMIT;
    b.expandAll.title =
      b.expandAll.disabled && groups
        ? `Too many values (over ${OPEN_ALL_LIMIT.toLocaleString("en-US")}) to draw at once: open groups one by one`
        : "Open every group";
    b.collapseAll.disabled = !groups;
    bar.search.disabled = !shown;
    const search = shown?.search;
    if (search && bar.search.value !== search.query && document.activeElement !== bar.search) bar.search.value = search.query;
    bar.searchCount.textContent = !search || !search.query.trim() ? "" : searchText(search);
  }

  /** the size of the graph's area */
  get size(): { w: number; h: number } {
    return { w: this.parts.graphBox.clientWidth, h: this.parts.graphBox.clientHeight };
  }

  get viewport(): Viewport {
    return this.graph.viewport;
  }
}

function searchText(s: Shown["search"]): string {
  if (s.matches.length === 0) return "no match";
  return s.at < 0 ? `${s.matches.length} found` : `${s.at + 1} of ${s.matches.length}`;
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

const UPDATE_TITLE = "What the optimizer (or the script) did to the parameters after this backward()";

// the page's loop: a message from the host, a click or a key -> an action -> update() -> the new
// state -> the views draw it, and the state is saved. what is not the state's lives here: the
// timer that plays the pass, the numeric check that runs in slices after a big graph is drawn,
// the messages to the host, the tooltip.
import type { FromWebview, ImageFormat, RunResult, ScriptError, ShowTraceMessage } from "../shared/protocol";
import { applyResults, NumericCheck } from "../engine/numericCheck";
import type { Trace } from "../engine/trace";
import { drawnOf } from "./drawn";
import { PageView, type PageParts } from "./pageView";
import { initialState, saved, shownOf, type PageState, type Phase, type SavedState } from "./state";
import type { Action as BarAction } from "./toolbar";
import { boxTip, showTip, valueTip } from "./tooltip";
import { update, type Action } from "./update";

export interface Host {
  post(msg: FromWebview): void;
  load(): SavedState | undefined;
  save(s: SavedState): void;
}

const PLAY_INTERVAL_MS = 700;

export class Controller {
  private state: PageState;
  private readonly view: PageView;
  /** actions sent while the views draw (the view reporting where it looks): run after the draw */
  private readonly queue: Action[] = [];
  private drawing = false;
  private playing: ReturnType<typeof setInterval> | undefined;
  private numericTimer: ReturnType<typeof setTimeout> | undefined;
  private checking: Trace | undefined;
  /** what the page saved before it was reloaded, for the first run it is sent */
  private readonly restored: SavedState | undefined;

  constructor(
    parts: PageParts & { tooltip: HTMLElement },
    private readonly host: Host,
  ) {
    this.restored = host.load();
    this.state = { ...initialState, file: this.restored?.file, breakpoints: this.restored?.breakpoints ?? [] };
    this.view = new PageView(parts, {
      dispatch: (a) => this.dispatch(a),
      clickValue: (id) => this.clickValue(id),
      hover: (t, at) => this.hover(parts.tooltip, parts.graphBox, t, at),
      pickCall: (index) => host.post({ type: "openCall", index }),
      gotoError: () => this.gotoError(),
    });
    this.view.draw(this.state);
  }

  dispatch(a: Action): void {
    this.queue.push(a);
    if (this.drawing) return;
    this.drawing = true;
    try {
      while (this.queue.length) {
        const prev = this.state;
        const next = update(prev, this.queue.shift()!);
        if (next === prev) continue;
        this.state = next;
        this.view.draw(next);
        this.effects(prev, next);
      }
    } finally {
      this.drawing = false;
    }
  }

  // ---- messages from the host ----
  running(fileName: string): void {
    this.dispatch({ type: "running", fileName });
  }

  show(msg: ShowTraceMessage): void {
    const { result: run, fileName, keepPosition, mismatch } = msg;
    this.dispatch({ type: "run", run, fileName, keepPosition, mismatch, size: this.view.size, saved: this.restored });
    performance.mark("bps:interactive");
  }

  showError(error: ScriptError, fileName: string, run?: RunResult): void {
    this.dispatch({ type: "failed", error, fileName, run, size: this.view.size });
  }

  /** the graph as drawn, for Export */
  image(format: ImageFormat): string {
    return shownOf(this.state) ? this.view.graph.image(format) : "";
  }

  post(msg: FromWebview): void {
    this.host.post(msg);
  }

  // ---- the page's own events ----
  /** a toolbar button or its key */
  act(a: BarAction): void {
    switch (a) {
      case "play":
        return this.dispatch({ type: "play" });
      case "fit":
        return this.dispatch({ type: "fit" });
      case "export":
        return this.host.post({ type: "export" });
      case "expandAll":
        return this.dispatch({ type: "openAll" });
      case "collapseAll":
        return this.dispatch({ type: "closeAll" });
      default:
        return this.dispatch({ type: "move", move: a });
    }
  }

  search(query: string, next: boolean): void {
    this.dispatch({ type: "search", query, next });
  }

  /** Forward, Backward or Update picked: the orientation may be chosen again for that phase's view, at the graph's size */
  phase(phase: Phase): void {
    this.dispatch({ type: "phase", phase, size: this.view.size });
  }

  /** the panel changed size: the orientation chosen again, and fitted */
  resized(): void {
    this.view.graph.resize();
    this.dispatch({ type: "resize", size: this.view.size });
  }

  /** the colour theme changed: the graph takes the new theme's colours at once */
  restyle(): void {
    this.view.graph.restyle();
  }

  /**
   * the context menu from the keyboard (Shift+F10 or the menu key): for the value last clicked,
   * found or opened, else the step's node, else the output; shown under it in the graph
   */
  openMenu(): void {
    const shown = shownOf(this.state);
    if (!shown) return;
    const f = drawnOf(shown).facts;
    const id = [shown.picked, f.at(shown.step).current?.node, f.trace.root].find((v) => v !== undefined && f.nodes.has(v));
    if (id === undefined) return;
    const graph = this.view.graph;
    graph.reveal([id], false);
    const at = graph.pointOf(id) ?? { x: window.innerWidth / 2, y: window.innerHeight / 2 };
    this.dispatch({ type: "menu", id, x: at.x, y: at.y });
  }

  hideTip(tooltip: HTMLElement): void {
    tooltip.classList.remove("visible");
  }

  private clickValue(id: number): void {
    this.dispatch({ type: "pick", id });
    const shown = shownOf(this.state);
    const loc = shown && drawnOf(shown).facts.nodes.get(id)?.loc;
    if (loc) this.host.post({ type: "reveal", line: loc.line, column: loc.column, file: loc.file });
  }

  private gotoError(): void {
    const page = this.state.page;
    const pos = page.kind === "empty" ? undefined : page.error?.pos;
    if (pos) this.host.post({ type: "reveal", line: pos.line, column: pos.column, file: pos.file });
  }

  private hover(
    tooltip: HTMLElement,
    graphBox: HTMLElement,
    t: { value: number } | { box: number } | undefined,
    at: { x: number; y: number },
  ): void {
    const shown = shownOf(this.state);
    if (!t || !shown) return this.hideTip(tooltip);
    const f = drawnOf(shown).facts;
    const st = f.at(shown.step);
    const lines = "value" in t ? valueTip(f, st, t.value, shown.run.locatedLimit) : boxTip(f, st, t.box);
    const box = graphBox.getBoundingClientRect();
    showTip(tooltip, lines, box.left + at.x, box.top + at.y);
  }

  // ---- what follows a change of state ----
  private effects(prev: PageState, next: PageState): void {
    const shown = shownOf(next);
    // play: a timer while the state says so
    if (shown?.playing && !this.playing) this.playing = setInterval(() => this.dispatch({ type: "tick" }), PLAY_INTERVAL_MS);
    if (!shown?.playing && this.playing) {
      clearInterval(this.playing);
      this.playing = undefined;
    }
    // a new graph (or a what-if's) whose numeric check is left to the page
    const trace = shown ? drawnOf(shown).facts.trace : undefined;
    if (trace !== this.checking) this.finishNumericCheck(trace);
    // the host hears where the stepper is (tests and the status read it)
    const before = shownOf(prev);
    const total = shown ? drawnOf(shown).facts.total : 0;
    if (shown && (shown.step !== before?.step || shown.run !== before.run)) {
      this.host.post({ type: "stepChanged", step: shown.step, total });
      performance.mark("bps:stepped");
    }
    this.host.save(saved(next));
  }

  /** a big graph's numeric check, run in slices after it is drawn: nothing waits on it */
  private finishNumericCheck(trace: Trace | undefined): void {
    clearTimeout(this.numericTimer);
    this.checking = trace;
    if (!trace?.numericPending) return;
    let check: NumericCheck | undefined;
    const slice = () => {
      if (this.checking !== trace) return;
      check ??= new NumericCheck(trace);
      const done = check.run(performance.now() + 12);
      if (!done) return void (this.numericTimer = setTimeout(slice, 4));
      applyResults(trace, check);
      // the results are on the trace: the details and the tooltip read them there
      this.view.draw(this.state);
      performance.mark("bps:numeric-checked");
    };
    // a small graph (a what-if) right away; a big one once it is drawn
    this.numericTimer = setTimeout(slice, trace.nodes.length > 20_000 ? 300 : 0);
  }
}

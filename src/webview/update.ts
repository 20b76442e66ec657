// every change of the page's state: update(state, action) -> the new state. pure (no DOM, no
// timers): a message from the host, a click or a key becomes an action, and this says what it does.
// what it needs to know about the panel (its size) comes in the action.
import type { CallMismatch, RunResult, ScriptError } from "../shared/protocol";
import { carryOver, nextStop, type Breakpoint } from "./breakpoints";
import { drawnOf } from "./drawn";
import { backOp, stepInto, stepOp, stepOut, stepOver } from "./navigation";
import { OPEN_BUDGET, focusOf, openToFit, settle, viewOf } from "./openBoxes";
import { project } from "./projection";
import { factsOf, type RunFacts } from "./runFacts";
import { MIN_READABLE_ZOOM, fitZoom, pickOrientation } from "./scene";
import {
  initialState,
  savedViewFor,
  shownOf,
  type DrawnRun,
  type PageState,
  type Phase,
  type SavedState,
  type Shown,
  type Viewport,
} from "./state";
import { matches } from "./valuesTable";

/** the graph's area in px */
export interface Size {
  w: number;
  h: number;
}

export type Move = "reset" | "back" | "step" | "into" | "over" | "out" | "continue";

export type Action =
  /** the host started a run of the script */
  | { type: "running"; fileName: string }
  /** a run finished; `saved`: what the page kept from before a reload, `size`: the graph's area */
  | { type: "run"; run: RunResult; fileName: string; keepPosition: boolean; mismatch?: CallMismatch; size: Size; saved?: SavedState }
  /** a run ended badly; `run`: what it had done before */
  | { type: "failed"; error: ScriptError; fileName: string; run?: RunResult; size: Size }
  | { type: "move"; move: Move }
  /** Forward, Backward or Update: which part of the training step the stepper moves through */
  | { type: "phase"; phase: Phase; size?: Size }
  /** to a position of the pass (steps run) */
  | { type: "goTo"; step: number }
  /** Play, or Pause while playing */
  | { type: "play" }
  /** Play's timer: one step */
  | { type: "tick" }
  /** a closed box clicked (open it) or an open frame (close it) */
  | { type: "toggleBox"; key: number }
  /** a long box's folded runs clicked: draw every value, or fold them again */
  | { type: "unroll"; key: number }
  | { type: "openAll" }
  | { type: "closeAll" }
  /** show the whole graph */
  | { type: "fit" }
  /** the toolbar's search: typed (next false), or Enter for the next match */
  | { type: "search"; query: string; next: boolean }
  /** show a value: open the groups around it, mark it */
  | { type: "find"; id: number }
  /** a value clicked */
  | { type: "pick"; id: number }
  /** the values table's filter typed */
  | { type: "filter"; text: string }
  /** the user zoomed or panned (or the view moved to show the step) */
  | { type: "viewport"; viewport: Viewport }
  | { type: "resize"; size: Size }
  | { type: "menu"; id: number; x: number; y: number }
  | { type: "closeMenu" }
  /** a breakpoint of the menu: set it, or clear it when it is set (an "above" one is set again with its new bound) */
  | { type: "breakpoint"; breakpoint: Breakpoint }
  /** remove breakpoints: the one given, or every one on a value */
  | { type: "unbreak"; breakpoint?: Breakpoint; id?: number }
  | { type: "runTo"; id: number }
  /** what-if: a leaf's data changed */
  | { type: "whatIf"; id: number; value: number }
  | { type: "resetWhatIf" };

/** "Open all" draws every value; above this many it would freeze the panel */
export const OPEN_ALL_LIMIT = 3_000;

export function update(s: PageState, a: Action): PageState {
  switch (a.type) {
    case "running":
      return { ...s, running: true, fileName: a.fileName };
    case "run":
      return arrive(s, a.run, a.fileName, { keep: a.keepPosition, size: a.size, saved: a.saved, mismatch: a.mismatch });
    case "failed":
      if (a.run && a.run.calls.length > 0) return arrive(s, a.run, a.fileName, { keep: false, size: a.size, error: a.error });
      return failed(s, a.error, a.fileName);
    case "closeMenu":
      return s.menu ? { ...s, menu: undefined } : s;
    default: {
      const shown = shownOf(s);
      return shown ? onShown(s, shown, a) : s;
    }
  }
}

/** the same page with its shown graph changed */
function withShown(s: PageState, shown: Shown): PageState {
  if (s.page.kind !== "showing") return s;
  return { ...s, page: { ...s.page, shown } };
}

function onShown(s: PageState, shown: Shown, a: Action): PageState {
  const { facts: f } = drawnOf(shown);
  const put = (changes: Partial<Shown>, again = false) => {
    const next = { ...shown, ...changes };
    return withShown(s, again ? settle(f, next) : next);
  };
  const cue = (kind: "fit" | "find" | "box", more: { id?: number; key?: number } = {}) =>
    ({ kind, n: (shown.cue?.n ?? 0) + 1, ...more }) as Shown["cue"];
  switch (a.type) {
    case "move":
      return put({ ...moved(f, shown, a.move, s.breakpoints) }, true);
    case "phase": {
      if (shown.phase === a.phase) return s;
      const next = settle(f, { ...shown, phase: a.phase, playing: false, stop: undefined });
      // the update opens the boxes of the parameters that moved, the passes those on the step's
      // path: going into or out of it, the orientation is chosen again for the view the phase shows
      // (as a resize chooses it), and fitted again when it changes
      if (a.size && (a.phase === "update" || shown.phase === "update")) {
        const orient = pickOrientation(f.trace, f.tree, f.widest, f.hasOp, viewOf(f, next), a.size.w, a.size.h).orient;
        if (orient !== next.orient) return withShown(s, { ...next, orient, viewport: undefined });
      }
      return withShown(s, next);
    }
    case "play": {
      if (shown.playing) return put({ playing: false });
      if (shown.phase === "forward") return put({ playing: true, fstep: shown.fstep >= f.forwardOrder.length ? 0 : shown.fstep }, true);
      return put({ playing: true, stop: undefined, step: shown.step >= f.total ? 0 : shown.step }, true);
    }
    case "tick": {
      if (!shown.playing) return s;
      if (shown.phase === "forward") {
        const fstep = Math.min(f.forwardOrder.length, shown.fstep + 1);
        return put({ fstep, playing: fstep < f.forwardOrder.length }, true);
      }
      if (shown.step >= f.total) return put({ playing: false });
      const step = shown.step + 1;
      const stop = nextStop(f.trace, shown.step, s.breakpoints);
      const hit = stop !== undefined && stop.position === step;
      return put({ step, stop: hit ? stop : undefined, playing: !hit && step < f.total }, true);
    }
    case "toggleBox": {
      const open = viewOf(f, shown).unitOfBox.has(a.key);
      const without = (xs: number[]) => xs.filter((k) => k !== a.key);
      if (open)
        return put(
          { expanded: [...without(shown.expanded), a.key], collapsed: without(shown.collapsed), cue: cue("box", { key: a.key }) },
          true,
        );
      const onPath = f.holding(focusOf(f, shown)).includes(a.key);
      return put(
        {
          expanded: without(shown.expanded),
          opened: without(shown.opened),
          // closing a box on the step's path keeps it closed while the step is in it
          collapsed: onPath ? [...without(shown.collapsed), a.key] : shown.collapsed,
          cue: cue("box", { key: a.key }),
        },
        true,
      );
    }
    case "unroll": {
      const unrolled = shown.unrolled.includes(a.key) ? shown.unrolled.filter((k) => k !== a.key) : [...shown.unrolled, a.key];
      return put({ unrolled, cue: cue("box", { key: a.key }) }, true);
    }
    // the graph is laid out anew, bigger or smaller: it is fitted again (whole when its text stays
    // readable, else readably at the step's node), or the view would be left where nothing is now
    case "openAll": {
      if (f.trace.nodes.length > OPEN_ALL_LIMIT) return s;
      const keys = f.tree.boxes.map((b) => b.key).filter((k) => k > 0);
      return put({ expanded: keys, collapsed: [], unrolled: f.tree.boxes.map((b) => b.key), viewport: undefined }, true);
    }
    case "closeAll":
      return put({ expanded: [], unrolled: [], viewport: undefined }, true);
    case "fit":
      return put({ cue: cue("fit") });
    case "search":
      return search(s, shown, f, a.query, a.next);
    case "find":
      return withShown(s, found(f, shown, a.id));
    case "pick":
      return shown.picked === a.id ? s : put({ picked: a.id });
    case "filter":
      return shown.filter === a.text ? s : put({ filter: a.text });
    case "viewport": {
      const v = shown.viewport;
      const same = v && v.zoom === a.viewport.zoom && v.pan.x === a.viewport.pan.x && v.pan.y === a.viewport.pan.y;
      return same ? s : put({ viewport: a.viewport });
    }
    case "resize":
      return put({
        orient: pickOrientation(f.trace, f.tree, f.widest, f.hasOp, viewOf(f, shown), a.size.w, a.size.h).orient,
        viewport: undefined,
      });
    case "menu":
      return { ...withShown(s, { ...shown, picked: a.id }), menu: { id: a.id, x: a.x, y: a.y } };
    case "breakpoint": {
      const bp = a.breakpoint;
      const old = s.breakpoints.find((b) => b.id === bp.id && b.kind === bp.kind);
      const rest = s.breakpoints.filter((b) => b !== old);
      return { ...s, breakpoints: old && bp.kind !== "above" ? rest : [...rest, bp] };
    }
    case "unbreak":
      return { ...s, breakpoints: s.breakpoints.filter((b) => b !== a.breakpoint && b.id !== a.id) };
    case "goTo": {
      const clamp = (total: number) => Math.max(0, Math.min(total, Math.floor(a.step)));
      if (shown.phase === "forward") return put({ fstep: clamp(f.forwardOrder.length) }, true);
      return put({ step: clamp(f.total), stop: undefined }, true);
    }
    case "runTo": {
      const at = f.stepIndex.get(a.id);
      return at === undefined ? s : put({ phase: "backward", step: at + 1, stop: undefined }, true);
    }
    case "whatIf": {
      const node = shown.run.trace.nodes.find((n) => n.id === a.id);
      if (!node || node.children.length > 0 || !shown.run.trace.recorded) return s;
      const edits = shown.edits.filter(([id]) => id !== a.id);
      if (!Object.is(node.data, a.value)) edits.push([a.id, a.value]);
      return put({ edits });
    }
    case "resetWhatIf":
      return shown.edits.length ? put({ edits: [] }) : s;
    case "running":
    case "run":
    case "failed":
    case "closeMenu":
      return s;
    default: {
      const never: never = a;
      throw new Error(`unknown action ${JSON.stringify(never)}`);
    }
  }
}

/** where a move takes the pass; Continue stops at the first breakpoint on the way */
function moved(f: RunFacts, shown: Shown, move: Move, breakpoints: readonly Breakpoint[]): Partial<Shown> {
  if (shown.phase === "forward") return { fstep: forwardMove(f, shown.fstep, move) };
  if (shown.phase === "update") return {};
  const p = shown.step;
  switch (move) {
    case "reset":
      return { step: 0, stop: undefined };
    case "back":
      return { step: f.hasTensors ? backOp(f.stops.backward, p) : Math.max(0, p - 1), stop: undefined };
    case "step":
      return { step: f.hasTensors ? stepOp(f.stops.backward, p, f.total) : Math.min(f.total, p + 1), stop: undefined };
    case "into":
      return { step: stepInto(f.chains, p), stop: undefined };
    case "over":
      return { step: stepOver(f.chains, p), stop: undefined };
    case "out":
      return { step: stepOut(f.chains, p), stop: undefined };
    case "continue": {
      const stop = nextStop(f.trace, p, breakpoints);
      return { step: stop ? stop.position : f.total, stop };
    }
  }
}

/** where a move takes the forward pass: a value at a time, or a group (a neuron, a layer, a sample) */
function forwardMove(f: RunFacts, p: number, move: Move): number {
  const total = f.forwardOrder.length;
  switch (move) {
    case "reset":
      return 0;
    case "back":
      return f.hasTensors ? backOp(f.stops.forward, p) : Math.max(0, p - 1);
    case "step":
      return f.hasTensors ? stepOp(f.stops.forward, p, total) : Math.min(total, p + 1);
    case "into":
      return stepInto(f.forwardChains, p);
    case "over":
      return stepOver(f.forwardChains, p);
    case "out":
      return stepOut(f.forwardChains, p);
    case "continue":
      return total;
  }
}

/** the value shown: the groups around it opened, marked, its row in the table in view (the filter cleared if it hides it) */
function found(f: RunFacts, shown: Shown, id: number): Shown {
  const around = f.holding(id);
  const row = f.rows().find((r) => r.id === id);
  const next: Shown = {
    ...shown,
    expanded: [...shown.expanded.filter((k) => !around.includes(k)), ...around],
    collapsed: shown.collapsed.filter((k) => !around.includes(k)),
    found: id,
    picked: id,
    filter: row && !matches(row, shown.filter) ? "" : shown.filter,
    cue: { kind: "find", id, n: (shown.cue?.n ?? 0) + 1 },
  };
  return settle(f, next);
}

/** search by label or #id: typing counts the matches; Enter shows the next one */
function search(s: PageState, shown: Shown, f: RunFacts, query: string, next: boolean): PageState {
  const q = query.trim().toLowerCase();
  if (!q) return withShown(s, { ...shown, search: { query, matches: [], at: -1 } });
  let { matches: ids, at } = shown.search;
  if (!next || ids.length === 0 || query !== shown.search.query) {
    const id = /^#?\d+$/.test(q) ? Number(q.replace("#", "")) : undefined;
    ids = f.trace.nodes.filter((n) => n.id === id || (n.label && n.label.toLowerCase().includes(q))).map((n) => n.id);
    at = -1;
  }
  if (!next || ids.length === 0) return withShown(s, { ...shown, search: { query, matches: ids, at } });
  at = (at + 1) % ids.length;
  return withShown(s, found(f, { ...shown, search: { query, matches: ids, at } }, ids[at]));
}

/** a run's result arrives: its graph, shown as the user left it when it is the same graph again */
function arrive(
  s: PageState,
  run: RunResult,
  fileName: string,
  o: { keep: boolean; size: Size; saved?: SavedState; mismatch?: CallMismatch; error?: ScriptError },
): PageState {
  // breakpoints are kept by value id: only a re-run of the same script makes the same ids
  const sameFile = s.file === run.file;
  const base: PageState = { ...s, file: run.file, fileName, running: false, menu: undefined, breakpoints: sameFile ? s.breakpoints : [] };
  if (!run.trace)
    return {
      ...base,
      page: { kind: "summary", run, ...(o.error ? { error: o.error } : {}), ...(o.mismatch ? { mismatch: o.mismatch } : {}) },
    };
  const drawn = run as DrawnRun;
  const f = factsOf(drawn.trace);
  const prev = shownOf(s);
  let shown: Shown;
  const restored = savedViewFor(o.saved, drawn);
  if (restored && s.page.kind === "empty") {
    const { call, edits, ...view } = restored;
    void call;
    shown = {
      ...view,
      run: drawn,
      edits: edits.map(([id, v]) => [id, Number(v)]),
      playing: false,
      phase: view.phase ?? "backward",
      fstep: Math.min(view.fstep ?? 0, f.forwardOrder.length),
      step: Math.min(view.step, f.total),
    };
  } else if (o.keep && prev && sameFile) {
    // the same graph again (a re-run on save): the step, the boxes and the viewport stay
    shown = {
      ...prev,
      run: drawn,
      edits: [],
      step: Math.min(prev.step, f.total),
      fstep: Math.min(prev.fstep, f.forwardOrder.length),
      stop: undefined,
      playing: false,
      cue: undefined,
    };
    shown.search = { ...prev.search, matches: [], at: -1 };
  } else shown = fresh(f, drawn, o.size);
  shown.mismatch = o.mismatch;
  const page = { kind: "showing" as const, shown: settle(f, shown), ...(o.error ? { error: o.error } : {}) };
  return { ...base, breakpoints: carryOver(base.breakpoints, drawn.trace), page };
}

/** a new graph: at the start of the pass, with as many groups open as fit the panel readably */
function fresh(f: RunFacts, run: DrawnRun, size: Size): Shown {
  const start = settle(f, {
    run,
    edits: [],
    phase: "backward",
    fstep: 0,
    step: 0,
    expanded: [],
    collapsed: [],
    unrolled: [],
    opened: [],
    pages: [],
    search: { query: "", matches: [], at: -1 },
    filter: "",
    orient: "LR",
    playing: false,
  });
  const expanded = new Set<number>();
  const scene = () =>
    pickOrientation(
      f.trace,
      f.tree,
      f.widest,
      f.hasOp,
      project(f.trace, f.tree, expanded, new Set(start.opened), { pages: new Map(start.pages) }),
      size.w,
      size.h,
    );
  openToFit(f.tree, expanded, () => fitZoom(scene().placement, size.w, size.h) >= MIN_READABLE_ZOOM, OPEN_BUDGET);
  return { ...start, expanded: [...expanded], orient: scene().orient };
}

/** a run that failed: the graph shown stays (it is from the last run that made one), with the error above it */
function failed(s: PageState, error: ScriptError, fileName: string): PageState {
  const base = { ...s, fileName, running: false, menu: undefined };
  if (s.page.kind === "showing" || s.page.kind === "summary") return { ...base, page: { ...s.page, error, earlier: true } };
  return { ...base, page: { kind: "failed", error } };
}

export { initialState };

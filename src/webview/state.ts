// the page's state: one value, in one place. what the panel shows (nothing, a failure, a summary of a
// graph too big to send, or a run's graph) and, for a graph, everything the user can change about
// how it is shown. it changes only through update.ts; the views draw it; it is saved whole for a
// reload (saved()), but for the run itself, which the host sends again.
//
// a new panel feature adds its field here, its action and what the action does to the state in
// update.ts (with a unit test), and its drawing in pageView.ts: the controller does not change.
import type { CallMismatch, RunResult, ScriptError } from "../shared/protocol";
import type { Trace } from "../engine/trace";
import type { Breakpoint, Stop } from "./breakpoints";
import type { Orientation } from "./groupLayout";

export interface Viewport {
  zoom: number;
  pan: { x: number; y: number };
}

/** a run with a drawable graph: its last recorded backward() call (or the one picked on the curve) */
export type DrawnRun = RunResult & { trace: Trace };

/** a one-off thing for the views to do once (n counts them, so the same cue twice is seen twice) */
export type Cue =
  /** show the whole graph, whatever the zoom */
  | { kind: "fit"; n: number }
  /** a found value: its groups opened, it is scrolled to and flashed, on the graph and in the table */
  | { kind: "find"; id: number; n: number }
  /** a box was opened or closed: bring it into view */
  | { kind: "box"; key: number; n: number };

/** the graph of one backward() call, and everything the user has changed about how it is shown */
export interface Shown {
  /** the run as the script made it: what-if edits are not in it (see edits) */
  run: DrawnRun;
  /** what-if: leaves whose data the user changed, [id, data]; the graph drawn is worked out from them */
  edits: [number, number][];
  /** which part of the training step is shown: the forward pass, the backward pass, the update */
  phase: Phase;
  /** how many values of the forward pass have been computed */
  fstep: number;
  /** how many steps of the backward pass have run */
  step: number;
  /** boxes the user opened */
  expanded: number[];
  /** boxes on the step's path the user closed anyway (forgotten once the step leaves them) */
  collapsed: number[];
  /** long boxes the user asked to see whole (every value, no runs folded) */
  unrolled: number[];
  /** the boxes open because of the step (its path, and boxes it opened that it is still near) */
  opened: number[];
  /** the pages of each long box drawn as themselves, [box, pages] */
  pages: [number, number[]][];
  /** the value a search found, drawn as itself until the next search */
  found?: number;
  /** the value last clicked, found or opened a menu on: the keyboard's context menu is for it */
  picked?: number;
  /** the toolbar's search: its text, the ids it matches, which one was shown last (-1: none yet) */
  search: { query: string; matches: number[]; at: number };
  /** the values table's filter */
  filter: string;
  /** zoom and pan; undefined until the graph is first drawn, and after a resize (fit again) */
  viewport?: Viewport;
  /** left to right or top to bottom; chosen for the panel's shape */
  orient: Orientation;
  /** where Continue or Play last stopped at a breakpoint, until the next move */
  stop?: Stop;
  playing: boolean;
  /** the call picked on the loss curve ran differently when the script ran again */
  mismatch?: CallMismatch;
  cue?: Cue;
}

export type Phase = "forward" | "backward" | "update";

export type Page =
  /** nothing has run yet */
  | { kind: "empty" }
  /** the run failed before any backward() call, and nothing was shown before */
  | { kind: "failed"; error: ScriptError }
  /** the run has calls but no graph to draw: too big to send, or recorded with recording off */
  | { kind: "summary"; run: RunResult; error?: ScriptError; earlier?: true; mismatch?: CallMismatch }
  /**
   * a graph to step. error: the run ended badly, after this call (its partial result is shown), or,
   * with `earlier`, a later run failed with nothing to show and this graph is from the run before it
   */
  | { kind: "showing"; shown: Shown; error?: ScriptError; earlier?: true };

export interface PageState {
  page: Page;
  /** the script's path and name (the status line, the panel's title) */
  file?: string;
  fileName: string;
  /** a run of the script is under way */
  running: boolean;
  /** breakpoints on values, by id: they outlive a run of the same script */
  breakpoints: Breakpoint[];
  /** a value's context menu, where it was asked for */
  menu?: { id: number; x: number; y: number };
}

export const initialState: PageState = { page: { kind: "empty" }, fileName: "", running: false, breakpoints: [] };

/** the shown graph, when there is one */
export function shownOf(s: PageState): Shown | undefined {
  return s.page.kind === "showing" ? s.page.shown : undefined;
}

/**
 * what is kept across a reload of the page: the state whole, but for the run (the host sends it
 * again) and what is under way (a menu, play). `call` tells the run it belongs to. numbers that
 * JSON cannot hold (a what-if edit to NaN) are kept as text.
 */
export interface SavedState {
  file?: string;
  breakpoints: Breakpoint[];
  view?: SavedView;
}

/** a shown graph as saved: what the user changed, not the run nor what is under way (play, a stop, a cue) */
export type SavedView = Omit<Shown, "run" | "edits" | "playing" | "cue" | "stop" | "mismatch"> & {
  call: { index: number; nodeCount: number };
  edits: [number, string][];
};

export function saved(s: PageState): SavedState {
  const shown = shownOf(s);
  const out: SavedState = { file: s.file, breakpoints: s.breakpoints };
  if (!shown) return out;
  const { run, edits } = shown;
  out.view = {
    call: { index: run.trace.index, nodeCount: run.trace.nodes.length },
    edits: edits.map(([id, v]) => [id, String(v)]),
    phase: shown.phase,
    fstep: shown.fstep,
    step: shown.step,
    expanded: shown.expanded,
    collapsed: shown.collapsed,
    unrolled: shown.unrolled,
    opened: shown.opened,
    pages: shown.pages,
    found: shown.found,
    picked: shown.picked,
    search: shown.search,
    filter: shown.filter,
    viewport: shown.viewport,
    orient: shown.orient,
  };
  return out;
}

/** the saved view, when it belongs to this run (same script, same call, same size) */
export function savedViewFor(saved: SavedState | undefined, run: DrawnRun): SavedView | undefined {
  const v = saved?.view;
  if (!v || saved.file !== run.file) return undefined;
  return v.call.index === run.trace.index && v.call.nodeCount === run.trace.nodes.length ? v : undefined;
}

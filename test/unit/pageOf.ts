// the page's state for a trace, as the page has it once the run arrives, and moves through it:
// what the page's unit tests start from
import type { Trace } from "../../src/engine";
import { shownOf, initialState, type PageState, type Shown } from "../../src/webview/state";
import { update, type Action, type Size } from "../../src/webview/update";
import { resultOf } from "./lessonTraces";

/** the graph area of VS Code's default layout, panel beside the editor */
export const PANEL: Size = { w: 760, h: 560 };

export function pageOf(trace: Trace, size: Size = PANEL): PageState {
  return update(initialState, { type: "run", run: resultOf(trace), fileName: "t.ts", keepPosition: false, size });
}

export function shown(s: PageState): Shown {
  const sh = shownOf(s);
  if (!sh) throw new Error(`no graph shown: the page is ${s.page.kind}`);
  return sh;
}

/** the state after these actions, one after another */
export function after(s: PageState, ...actions: Action[]): PageState {
  return actions.reduce(update, s);
}

export const goTo = (s: PageState, step: number): PageState => update(s, { type: "goTo", step });

// the toolbar: stepping (step, into, over, out, back, continue, reset, play), the view (fit, open
// all, close all) and the search box. it only draws and forwards clicks; the page decides.
import { button, el } from "./dom";
import type { Phase } from "./state";

export type Action =
  "reset" | "back" | "step" | "into" | "over" | "out" | "continue" | "play" | "fit" | "expandAll" | "collapseAll" | "export";

export interface Toolbar {
  element: HTMLElement;
  buttons: Record<Action, HTMLButtonElement>;
  /** Forward · Backward · Update: the part of the training step the stepper moves through */
  phases: Record<Phase, HTMLButtonElement>;
  search: HTMLInputElement;
  searchCount: HTMLElement;
  position: HTMLElement;
  status: HTMLElement;
}

export function toolbar(act: (a: Action) => void, onSearch: (query: string, next: boolean) => void, onPhase: (p: Phase) => void): Toolbar {
  const b = (a: Action, text: string, title: string, id: string) => button(text, title, id, () => act(a));
  const phase = (p: Phase, text: string, title: string) => {
    const e = button(text, title, `phase-${p}`, () => onPhase(p));
    e.className = "phase";
    e.setAttribute("role", "tab");
    return e;
  };
  const phases: Record<Phase, HTMLButtonElement> = {
    forward: phase("forward", "Forward", "The forward pass: the values in the order the script computed them"),
    backward: phase("backward", "Backward", "The backward pass: each node passes its grad to its inputs (the chain rule)"),
    update: phase("update", "Update", "What the optimizer (or the script) did to the parameters after this backward()"),
  };
  const phaseTabs = el("div", { class: "group phases" }, phases.forward, phases.backward, phases.update);
  phaseTabs.setAttribute("role", "tablist");
  phaseTabs.setAttribute("aria-label", "Phase of the training step");
  const buttons: Record<Action, HTMLButtonElement> = {
    reset: b("reset", "Reset", "Reset: back to the start of the pass (Home)", "reset"),
    back: b("back", "◀ Back", "Undo the last step (←)", "back"),
    step: b("step", "Step ▶", "Run the next node's local backward; in a tensor op, the whole op (→ or Space)", "step"),
    into: b("into", "Into ↘", "Step into: on to the first node of the next group (neuron, layer, sample, tensor op) (F11)", "step-into"),
    over: b("over", "Over ↷", "Step over: run the next group (a whole neuron, layer or sample) in one click (F10)", "step-over"),
    out: b("out", "Out ↗", "Step out: finish the group the current node is in (Shift+F11)", "step-out"),
    continue: b("continue", "End ▶▶", "Continue: run the pass to the end (End)", "continue"),
    play: b("play", "Play", "Step automatically (P)", "play"),
    fit: b("fit", "Fit", "Show the whole graph (F); scroll to zoom, drag to pan", "fit"),
    expandAll: b("expandAll", "Open all", "Open every group", "expand-all"),
    collapseAll: b("collapseAll", "Close all", "Close every group the step is not in", "collapse-all"),
    export: b("export", "Export…", "Save the graph as drawn (PNG or SVG), or the trace as JSON", "export"),
  };
  const search = el("input", { id: "search", title: "Find a value by its label or #id (/); Enter for the next match" });
  search.type = "search";
  search.placeholder = "Find value…";
  // the page's own keys ignore typing in an input; vs code's (Ctrl+P, F1) must still reach it
  search.addEventListener("keydown", (e) => {
    if (e.key === "Enter") onSearch(search.value, true);
    if (e.key === "Escape") search.blur();
  });
  search.addEventListener("input", () => onSearch(search.value, false));
  const searchCount = el("span", { class: "search-count muted", id: "search-count" });
  const position = el("span", { class: "position", id: "position" });
  const status = el("span", { class: "status", id: "status" });
  const stepping = el(
    "div",
    { class: "group" },
    buttons.reset,
    buttons.back,
    buttons.step,
    buttons.into,
    buttons.over,
    buttons.out,
    buttons.continue,
    buttons.play,
    position,
  );
  const viewing = el("div", { class: "group" }, buttons.fit, buttons.expandAll, buttons.collapseAll, buttons.export, search, searchCount);
  const element = el("div", { class: "toolbar" }, phaseTabs, stepping, viewing, status);
  return { element, buttons, phases, search, searchCount, position, status };
}

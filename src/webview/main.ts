// the panel's page: builds the layout, hands messages, keys and resizes to the controller
import { fromJson, NUMERIC_KEYS } from "../engine/json";
import type { FromWebview, Posted, ToWebview } from "../shared/protocol";
import { now, type Times } from "../shared/timing";
import { decodeTrace, type TraceColumns } from "../shared/traceColumns";
import { assertNever } from "../shared/protocol";
import { el } from "./dom";
import { Controller } from "./controller";
import type { SavedState } from "./state";
import { toolbar, type Action } from "./toolbar";

declare function acquireVsCodeApi(): {
  postMessage(msg: FromWebview): void;
  getState(): SavedState | undefined;
  setState(state: SavedState): void;
};

/** fields of the host's messages that hold numbers, NaN and infinities included */
const MESSAGE_NUMBERS = new Set([...NUMERIC_KEYS, "loss"]);

/** when the page's document started loading, and when this bundle ran (the path bench reads them) */
const pageTimes: Times = { "page.origin": performance.timeOrigin, "page.loaded": now() };

const vscode = acquireVsCodeApi();

const bar = toolbar(
  (a) => controller.act(a),
  (q, next) => controller.search(q, next),
  (phase) => controller.phase(phase),
);
const banner = el("div", { class: "banners", id: "banner" });
const graphBox = el("div", { class: "graph", id: "graph" });
const details = el("div", { class: "details", id: "details" });
const chart = el("div", { class: "chart", id: "chart" });
const tableBox = el("div", { class: "table-box" });
const side = el("div", { class: "side" }, details, chart, tableBox);
const tooltip = el("div", { class: "tooltip", id: "tooltip" });
document.getElementById("app")!.append(bar.element, banner, el("div", { class: "main" }, graphBox, side), tooltip);

const controller = new Controller(
  { bar, banner, graphBox, details, chart, tableBox, tooltip },
  { post: (m) => vscode.postMessage(m), load: () => vscode.getState(), save: (s) => vscode.setState(s) },
);

/** the runs' timestamps from the command to the drawn page, one record a run, when the host sent times (the path bench reads them) */
const timings: Times[] = [];
(globalThis as { bpsTimings?: Times[] }).bpsTimings = timings;

/** the last Posted.seq handled: the host sends a loading page's messages twice */
let lastSeq = 0;

window.addEventListener("message", (event: MessageEvent<Posted | string>) => {
  const receivedAt = now();
  // a bare string: a message as JSON, as the bench's harness page posts it
  const posted: Posted = typeof event.data === "string" ? { json: event.data } : event.data;
  if (posted.seq !== undefined) {
    if (posted.seq <= lastSeq) return;
    lastSeq = posted.seq;
  }
  performance.mark("bps:trace-received");
  const msg = fromJson<ToWebview>(posted.json, MESSAGE_NUMBERS);
  // a result's trace came as columns beside the message: decoded here, into the result as the host had it
  if (posted.columns && posted.buffer && (msg.type === "showTrace" || msg.type === "showError") && msg.result) {
    const small = fromJson<Omit<TraceColumns, "buffer">>(posted.columns, MESSAGE_NUMBERS);
    msg.result.trace = decodeTrace({ ...small, buffer: posted.buffer });
  }
  performance.mark("bps:parsed");
  switch (msg.type) {
    case "showTrace": {
      const times: Times | undefined = posted.times && {
        ...pageTimes,
        ...msg.result.timing,
        ...posted.times,
        "page.received": receivedAt,
        "page.parsed": now(),
      };
      controller.show(msg);
      if (times) {
        times["page.shown"] = now();
        // cytoscape paints in a frame of its own: the second frame after is on screen
        requestAnimationFrame(() =>
          requestAnimationFrame(() => timings.push({ ...times, "page.painted": now(), nodes: msg.result.trace?.nodes.length ?? 0 })),
        );
      }
      break;
    }
    case "runState":
      controller.running(msg.fileName);
      break;
    case "renderImage":
      controller.post({ type: "image", format: msg.format, data: controller.image(msg.format) });
      break;
    case "showError":
      // what the run did before it ended badly is drawn, with the reason above it
      controller.showError(msg.error, msg.fileName, msg.result);
      break;
    default:
      assertNever(msg);
  }
});

const KEYS: Record<string, Action> = {
  ArrowRight: "step",
  " ": "step",
  ArrowLeft: "back",
  Home: "reset",
  End: "continue",
  F10: "over",
  F11: "into",
  "Shift+F11": "out",
  p: "play",
  f: "fit",
};
window.addEventListener("keydown", (e) => {
  if (e.target instanceof HTMLInputElement || e.altKey || e.ctrlKey || e.metaKey) return;
  // the menu's own keys (Enter, Space, arrows) are the menu's
  if (e.target instanceof Element && e.target.closest(".context-menu")) return;
  if (e.key === "ContextMenu" || (e.shiftKey && e.key === "F10")) {
    e.preventDefault();
    return controller.openMenu();
  }
  if (e.key === "/") {
    e.preventDefault();
    return bar.search.focus();
  }
  const action = KEYS[e.shiftKey ? `Shift+${e.key}` : e.key] ?? KEYS[e.key];
  if (!action) return;
  e.preventDefault();
  controller.act(action);
});

// a theme change swaps the body's classes and the theme's colour variables on the root: the graph
// takes the new colours once both have changed (one restyle per frame, however many changes)
let restyling = 0;
const restyle = new MutationObserver(() => {
  cancelAnimationFrame(restyling);
  restyling = requestAnimationFrame(() => controller.restyle());
});
restyle.observe(document.body, { attributes: true, attributeFilter: ["class"] });
restyle.observe(document.documentElement, { attributes: true, attributeFilter: ["style", "class"] });
// a resized panel: laid out again for its new shape, with the current step in view
let resizing: ReturnType<typeof setTimeout> | undefined;
window.addEventListener("resize", () => {
  clearTimeout(resizing);
  resizing = setTimeout(() => controller.resized(), 120);
});
// the pointer left the graph (perhaps the whole page): no node is hovered any more
graphBox.addEventListener("mouseleave", () => controller.hideTip(tooltip));

pageTimes["page.ready"] = now();
vscode.postMessage({ type: "ready" });

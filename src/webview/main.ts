// the panel's page: toolbar, graph, step details and the table of values
import { fromJson, NUMERIC_KEYS } from "../engine/json";
import type { Trace, TraceNode } from "../engine/trace";
import type { FromWebview, RunResult, ScriptError, ToWebview } from "../shared/protocol";
import { assertNever } from "../shared/protocol";
import { button, el } from "./dom";
import { fmt } from "./format";
import { GraphView, nameOf } from "./graphView";
import { Stepper } from "./stepper";
import { lossChart } from "./lossChart";

declare function acquireVsCodeApi(): {
  postMessage(msg: FromWebview): void;
  getState(): PageState | undefined;
  setState(state: PageState): void;
};

/** what survives a reload of the page (and lets the host revive the panel) */
interface PageState {
  file?: string;
  step?: number;
}

/** above this many values the graph is summarised instead of drawn */
const DRAW_LIMIT = 1000;
const PLAY_INTERVAL_MS = 700;

/** fields of the host's messages that hold numbers, NaN and infinities included */
const MESSAGE_NUMBERS = new Set([...NUMERIC_KEYS, "loss"]);

const vscode = acquireVsCodeApi();
const post = (msg: FromWebview) => vscode.postMessage(msg);

// ---- layout of the page ----
const status = el("span", { class: "status", id: "status" });
const position = el("span", { class: "position", id: "position" });
const controls = {
  reset: button("Reset", "Back to the start of the pass (Home)", "reset", () => go((s) => s.reset())),
  back: button("◀ Back", "Undo the last step (←)", "back", () => go((s) => s.back())),
  step: button("Step ▶", "Run the next node's local backward (→ or Space)", "step", () => go((s) => s.step())),
  cont: button("Continue ▶▶", "Run the pass to the end (End)", "continue", () => go((s) => s.goTo(s.total))),
  play: button("Play", "Step automatically (P)", "play", () => togglePlay()),
  fit: button("Fit", "Show the whole graph (F); scroll to zoom, drag to pan", "fit", () => graph?.fit(true)),
};
const toolbar = el("div", { class: "toolbar" }, ...Object.values(controls), position, status);
const banner = el("div", { class: "banner", id: "banner" });
const graphBox = el("div", { class: "graph", id: "graph" });
const details = el("div", { class: "details", id: "details" });
const chartBox = el("div", { class: "chart", id: "chart" });
const table = el("table", { class: "values", id: "values" });
const tableTitle = el("h3", {}, "Values");
const side = el("div", { class: "side" }, details, chartBox, tableTitle, table);
const tooltip = el("div", { class: "tooltip", id: "tooltip" });
const main = el("div", { class: "main" }, graphBox, side);
document.getElementById("app")!.append(toolbar, banner, main, tooltip);

// ---- state ----
let result: RunResult | undefined;
let stepper: Stepper | undefined;
let graph: GraphView | undefined;
let nodes = new Map<number, TraceNode>();
let playing: ReturnType<typeof setInterval> | undefined;

function go(move: (s: Stepper) => void): void {
  if (!stepper) return;
  move(stepper);
  render();
}

function togglePlay(): void {
  if (playing) return stopPlay();
  if (!stepper) return;
  if (stepper.done) stepper.reset();
  controls.play.textContent = "Pause";
  playing = setInterval(() => {
    if (!stepper || !stepper.step()) return stopPlay();
    render();
  }, PLAY_INTERVAL_MS);
  render();
}

function stopPlay(): void {
  if (playing) clearInterval(playing);
  playing = undefined;
  controls.play.textContent = "Play";
}

function setBanner(kind: "" | "warning" | "error" | "info", ...content: (Node | string)[]): void {
  banner.className = `banner ${kind}`;
  banner.replaceChildren(...content);
}

// ---- a run's result ----
function show(res: RunResult, keepPosition: boolean): void {
  stopPlay();
  const previous = stepper?.position;
  // a reloaded page (vs code restarted, or the panel was moved) resumes where the user was
  const reloaded = result === undefined && vscode.getState()?.file === res.file;
  result = res;
  graph?.destroy();
  graph = undefined;
  stepper = undefined;
  graphBox.replaceChildren();
  chartBox.replaceChildren();
  nodes = new Map();
  setBanner("");

  if (res.calls.length > 1) {
    chartBox.append(lossChart(res.calls, res.trace?.index, (index) => post({ type: "openCall", index })));
  }
  if (res.locatedLimit) {
    chartBox.append(el("p", { class: "muted" }, `Creation lines are recorded for the first ${res.locatedLimit.toLocaleString()} values of a run (it costs time); values made later have none.`));
  }
  if (!res.trace) {
    const why = res.tooBig
      ? `The last backward() call's graph has ${res.tooBig.nodeCount.toLocaleString()} Values, more than the limit of ${res.tooBig.maxNodes.toLocaleString()}, so it was not sent to the panel. Raise the setting backpropStepper.maxNodes to step it.`
      : "The last backward() call ran with recording off (setRecording(false)), so it has no steps to show.";
    setBanner("info", why);
    details.replaceChildren(el("p", {}, `${res.calls.length} backward() call(s) ran.`));
    table.replaceChildren();
    tableTitle.hidden = true;
    updateControls();
    return;
  }

  const trace: Trace = res.trace;
  nodes = new Map(trace.nodes.map((n) => [n.id, n]));
  stepper = new Stepper(trace);
  if (trace.accumulated) {
    setBanner(
      "warning",
      "Grads were not zero when this backward() began, so they accumulate (as in PyTorch): each grad below adds to what it held. Call zeroGrad() (or set each grad to 0) before backward() to start from zero.",
    );
  }
  if (trace.nodes.length > DRAW_LIMIT) {
    graphBox.append(summary(trace));
  } else {
    graph = new GraphView(graphBox, trace, { onHover: hover, onClick: clickNode });
  }
  buildTable(trace);
  const saved = keepPosition ? previous : reloaded ? vscode.getState()?.step : undefined;
  if (saved !== undefined) stepper.goTo(saved);
  render();
}

function summary(trace: Trace): HTMLElement {
  const ops = new Map<string, number>();
  for (const n of trace.nodes) ops.set(n.op || "leaf", (ops.get(n.op || "leaf") ?? 0) + 1);
  // values per layer of the network that made them ("MLP/L1/N3" counts for "MLP/L1")
  const layers = new Map<string, number>();
  for (const n of trace.nodes) {
    const layer = n.module ? n.module.split("/").slice(0, 2).join("/") : "outside any module (inputs, loss)";
    layers.set(layer, (layers.get(layer) ?? 0) + 1);
  }
  const counts = (m: Map<string, number>) =>
    el("ul", {}, ...[...m].sort((a, b) => b[1] - a[1]).map(([k, count]) => el("li", {}, `${k}: ${count.toLocaleString()}`)));
  return el(
    "div",
    { class: "summary" },
    el("h2", {}, `${trace.nodes.length.toLocaleString()} Values: too many to draw`),
    el("p", {}, `Drawing stops at ${DRAW_LIMIT.toLocaleString()} Values so the panel stays responsive. The steps still run: use Step and Continue, and read the parameters' grads in the table.`),
    el("h3", {}, "By op"),
    counts(ops),
    el("h3", {}, "By layer"),
    counts(layers),
  );
}

function buildTable(trace: Trace): void {
  const head = el("tr", {}, el("th", {}, "value"), el("th", {}, "op"), el("th", {}, "data"), el("th", {}, "grad"));
  tableTitle.textContent = trace.nodes.length > DRAW_LIMIT ? "Parameters" : "Values";
  tableTitle.hidden = false;
  // a big graph lists its parameters (labelled leaves), a small one every value, output first
  const big = trace.nodes.length > DRAW_LIMIT;
  const path = (n: TraceNode) => `${n.module ?? ""}/${n.label}`;
  const shown = big
    ? trace.nodes.filter((n) => n.children.length === 0 && n.label).sort((a, b) => path(a).localeCompare(path(b), undefined, { numeric: true }))
    : trace.nodes.slice().reverse();
  const rows = shown
    .slice(0, 400)
    .map((n) =>
      el(
        "tr",
        { data: { nodeId: String(n.id), label: n.label } },
        el("td", { class: "name" }, big && n.module ? `${n.module}/${nameOf(n)}` : nameOf(n)),
        el("td", { class: "op" }, n.op),
        el("td", { class: "data" }, fmt(n.data, 6)),
        el("td", { class: "grad" }, ""),
      ),
    );
  table.replaceChildren(el("thead", {}, head), el("tbody", {}, ...rows));
  for (const row of rows) row.addEventListener("click", () => clickNode(Number(row.dataset.nodeId)));
}

// ---- drawing the position ----
function render(): void {
  if (!stepper) return;
  graph?.update(stepper);
  const step = stepper.current;
  const changed = new Set(step?.updates.map((u) => u.child) ?? []);
  for (const row of table.querySelectorAll<HTMLTableRowElement>("tbody tr")) {
    const id = Number(row.dataset.nodeId);
    row.querySelector(".grad")!.textContent = fmt(stepper.grad(id), 6);
    row.classList.toggle("current", step?.node === id);
    row.classList.toggle("updated", changed.has(id));
  }
  renderDetails(stepper);
  position.textContent = `Step ${stepper.position} of ${stepper.total}`;
  if (step) graph?.reveal(step.node);
  updateControls();
  vscode.setState({ file: result?.file, step: stepper.position });
  post({ type: "stepChanged", step: stepper.position, total: stepper.total });
}

function updateControls(): void {
  const s = stepper;
  controls.reset.disabled = controls.back.disabled = !s || s.position === 0;
  controls.step.disabled = controls.cont.disabled = !s || s.done;
  controls.play.disabled = !s || (s.done && !playing);
  controls.fit.disabled = !graph;
}

function renderDetails(s: Stepper): void {
  const root = nodes.get(s.trace.root)!;
  const step = s.current;
  if (!step) {
    details.replaceChildren(
      el("h3", {}, "Start of the backward pass"),
      el("p", {}, `backward() seeds the root: ${nameOf(root)}.grad = ${fmt(s.grad(root.id))} (d ${nameOf(root)} / d ${nameOf(root)} = 1).`),
      el("p", { class: "muted" }, `Then each node, from ${nameOf(root)} back to the inputs, passes its grad to its children times the local derivative. Press Step.`),
    );
    return;
  }
  const node = nodes.get(step.node)!;
  const name = nameOf(node);
  const lines = step.updates.map((u) => {
    const child = nodes.get(u.child)!;
    return el(
      "li",
      {},
      el("span", { class: "name" }, nameOf(child)),
      `: local ∂${wrap(name)}/∂${wrap(nameOf(child))} = ${fmt(u.local)}; grad ${fmt(u.before)} + ${fmt(u.local)} × ${fmt(step.upstream)} = `,
      el("strong", {}, fmt(u.after)),
    );
  });
  const title = s.done ? `Step ${s.position} of ${s.total} (done)` : `Step ${s.position} of ${s.total}`;
  const done = s.done ? el("p", { class: "muted" }, "Every node has passed its grad on: these are the final grads.") : "";
  details.replaceChildren(
    el("h3", {}, title),
    el("p", {}, el("span", { class: "name" }, name), ` = ${node.op}(${node.children.map((c) => nameOf(nodes.get(c)!)).join(", ")}) = ${fmt(node.data)}, its grad ${fmt(step.upstream)}`),
    el("p", { class: "muted" }, "Chain rule: child.grad += local derivative × grad of the node"),
    el("ul", { class: "updates" }, ...lines),
    done,
  );
}

/** a name inside ∂a/∂b: in parentheses when it is an expression such as "x1*w1 + b" */
function wrap(name: string): string {
  return /^[\w#.]+$/.test(name) ? name : `(${name})`;
}

// ---- hover and click ----
function hover(id: number | undefined, at: { x: number; y: number }): void {
  if (id === undefined || !stepper) {
    tooltip.classList.remove("visible");
    return;
  }
  const n = nodes.get(id)!;
  const step = stepper.trace.steps.find((s) => s.node === id);
  const lines = [
    n.label ? `${n.label}  (#${n.id})` : `#${n.id}`,
    `op: ${n.op || "leaf"}`,
    `data: ${fmt(n.data, 8)}`,
    `grad now: ${fmt(stepper.grad(id), 8)}`,
    `grad at the end: ${fmt(n.grad, 8)}`,
  ];
  if (step) for (const u of step.updates) lines.push(`local ∂/∂${wrap(nameOf(nodes.get(u.child)!))}: ${fmt(u.local, 8)}`);
  if (n.module) lines.push(`made by: ${n.module}`);
  if (n.loc) {
    const where = n.loc.file ? `${n.loc.file.split(/[\\/]/).pop()}:${n.loc.line}` : `line ${n.loc.line}`;
    lines.push(`created at ${where} (click to go there)`);
  } else if (result?.locatedLimit) {
    lines.push(`line not recorded: only the first ${result.locatedLimit.toLocaleString()} values of a run record theirs`);
  }
  tooltip.replaceChildren(...lines.map((l, i) => el("div", { class: i === 0 ? "title" : "" }, l)));
  const box = graphBox.getBoundingClientRect();
  tooltip.style.left = `${Math.min(box.left + at.x + 14, window.innerWidth - 260)}px`;
  tooltip.style.top = `${box.top + at.y + 14}px`;
  tooltip.classList.add("visible");
}

function clickNode(id: number): void {
  const loc = nodes.get(id)?.loc;
  if (loc) post({ type: "reveal", line: loc.line, column: loc.column, file: loc.file });
}

// ---- messages from the host ----
function showError(error: ScriptError): void {
  stopPlay();
  const where = error.pos ? `${error.pos.file.split(/[\\/]/).pop()}:${error.pos.line}:${error.pos.column}` : "";
  const goTo = error.pos
    ? button("Go to line", "Reveal the line in the editor", "goto-error", () =>
        post({ type: "reveal", line: error.pos!.line, column: error.pos!.column, file: error.pos!.file }),
      )
    : null;
  const content: (Node | string)[] = [el("strong", {}, where ? `${where}  ` : ""), el("span", { class: "message" }, error.message)];
  if (error.hint) content.push(el("pre", { class: "hint" }, error.hint));
  if (goTo) content.push(goTo);
  setBanner("error", ...content);
}

window.addEventListener("message", (event: MessageEvent<string>) => {
  const msg = fromJson<ToWebview>(event.data, MESSAGE_NUMBERS);
  switch (msg.type) {
    case "showTrace":
      status.textContent = msg.fileName;
      show(msg.result, msg.keepPosition);
      break;
    case "runState":
      status.textContent = `Running ${msg.fileName}…`;
      break;
    case "showError":
      status.textContent = msg.fileName;
      showError(msg.error);
      break;
    default:
      assertNever(msg);
  }
});

window.addEventListener("keydown", (e) => {
  if (e.target instanceof HTMLInputElement || e.altKey || e.ctrlKey || e.metaKey) return;
  const keys: Record<string, () => void> = {
    ArrowRight: () => go((s) => s.step()),
    " ": () => go((s) => s.step()),
    ArrowLeft: () => go((s) => s.back()),
    Home: () => go((s) => s.reset()),
    End: () => go((s) => s.goTo(s.total)),
    p: togglePlay,
    f: () => graph?.fit(true),
  };
  const action = keys[e.key];
  if (!action) return;
  e.preventDefault();
  action();
});

// theme changes swap the body's classes: recolour the graph
new MutationObserver(() => graph?.restyle()).observe(document.body, { attributes: true, attributeFilter: ["class"] });
// a resized panel: readable again, with the current step in view
window.addEventListener("resize", () => {
  graph?.fit();
  if (stepper?.current) graph?.reveal(stepper.current.node);
});
// the pointer left the graph (perhaps the whole page): no node is hovered any more
graphBox.addEventListener("mouseleave", () => tooltip.classList.remove("visible"));

// until a run has finished: what the panel is for
details.replaceChildren(
  el("h3", {}, "No graph yet"),
  el("p", { class: "muted" }, "The graph of the script's last backward() call appears here once the script has run."),
);
tableTitle.hidden = true;
updateControls();
post({ type: "ready" });

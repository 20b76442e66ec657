// the loss of every backward() call of a run, as a small line chart
import type { BackwardSummary } from "../shared/protocol";
import { el } from "./dom";
import { fmt } from "./format";

const W = 280;
const H = 90;
const SVG = "http://www.w3.org/2000/svg";

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

export function lossChart(calls: BackwardSummary[]): HTMLElement {
  const finite = calls.filter((c) => Number.isFinite(c.loss));
  const lo = Math.min(...finite.map((c) => c.loss));
  const hi = Math.max(...finite.map((c) => c.loss));
  const span = hi - lo || 1;
  const x = (i: number) => (calls.length === 1 ? W / 2 : (i / (calls.length - 1)) * (W - 8) + 4);
  const y = (v: number) => H - 4 - ((v - lo) / span) * (H - 8);
  const points = calls.flatMap((c, i) => (Number.isFinite(c.loss) ? [`${x(i).toFixed(1)},${y(c.loss).toFixed(1)}`] : []));
  const chart = svg("svg", { viewBox: `0 0 ${W} ${H}`, width: W, height: H, class: "loss", role: "img" });
  chart.append(svg("polyline", { points: points.join(" "), class: "line" }));
  const last = calls[calls.length - 1];
  const drawn = [...calls].reverse().find((c) => c.recorded);
  if (drawn && Number.isFinite(drawn.loss)) chart.append(svg("circle", { cx: x(drawn.index - calls[0].index), cy: y(drawn.loss), r: 3.5, class: "drawn" }));
  const nonFinite = calls.length - finite.length;
  return el(
    "div",
    {},
    el("h3", {}, `Loss per backward() call (${calls.length})`),
    chart,
    el(
      "p",
      { class: "muted" },
      `first ${fmt(calls[0].loss)}, last ${fmt(last.loss)}` + (nonFinite ? `; ${nonFinite} call(s) with a NaN or infinite loss` : "") + (drawn ? `; the graph is call ${drawn.index + 1}` : ""),
    ),
  );
}

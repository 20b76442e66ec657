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

/** the chart; clicking it picks the nearest recorded call */
export function lossChart(calls: BackwardSummary[], drawnIndex: number | undefined, onPick: (index: number) => void): HTMLElement {
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
  const drawnAt = calls.findIndex((c) => c.index === drawnIndex);
  const drawn = calls[drawnAt];
  if (drawn && Number.isFinite(drawn.loss)) chart.append(svg("circle", { cx: x(drawnAt), cy: y(drawn.loss), r: 3.5, class: "drawn" }));
  chart.addEventListener("click", (e) => {
    const box = chart.getBoundingClientRect();
    const at = ((e.clientX - box.left) / box.width) * W;
    let best = -1;
    for (let i = 0; i < calls.length; i++) {
      if (calls[i].recorded && (best < 0 || Math.abs(x(i) - at) < Math.abs(x(best) - at))) best = i;
    }
    if (best >= 0 && calls[best].index !== drawnIndex) onPick(calls[best].index);
  });
  const nonFinite = calls.length - finite.length;
  return el(
    "div",
    {},
    el("h3", {}, `Loss per backward() call (${calls.length})`),
    chart,
    el(
      "p",
      { class: "muted" },
      `first ${fmt(calls[0].loss)}, last ${fmt(last.loss)}` +
        (nonFinite ? `; ${nonFinite} call(s) with a NaN or infinite loss` : "") +
        (drawn ? `; stepping call ${drawn.index + 1}. Click the curve to step another.` : ""),
    ),
  );
}

// what each backward() call of a run gave, as small line charts along the calls: the loss, and each
// number the script tracked (track("accuracy", acc)), each with its own axis. clicking any chart
// picks the nearest recorded call to step.
import type { BackwardSummary } from "../shared/protocol";
import { el } from "./dom";
import { fmt } from "./format";

const W = 280;
const H = 90;
/** a tracked series' chart is lower than the loss's */
const H_METRIC = 60;
const SVG = "http://www.w3.org/2000/svg";

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

/** the names of the series the script tracked, in the order they first appear */
export function metricNames(calls: readonly BackwardSummary[]): string[] {
  const names: string[] = [];
  for (const c of calls) for (const k of Object.keys(c.metrics ?? {})) if (!names.includes(k)) names.push(k);
  return names;
}

/** one series along the calls (undefined where a call has no value), clickable */
function seriesChart(
  values: readonly (number | undefined)[],
  h: number,
  calls: readonly BackwardSummary[],
  drawnIndex: number | undefined,
  onPick: (index: number) => void,
  label: string,
): SVGSVGElement {
  const finite = values.filter((v): v is number => v !== undefined && Number.isFinite(v));
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const span = hi - lo || 1;
  const x = (i: number) => (values.length === 1 ? W / 2 : (i / (values.length - 1)) * (W - 8) + 4);
  const y = (v: number) => h - 4 - ((v - lo) / span) * (h - 8);
  const points = values.flatMap((v, i) => (v !== undefined && Number.isFinite(v) ? [`${x(i).toFixed(1)},${y(v).toFixed(1)}`] : []));
  const chart = svg("svg", { viewBox: `0 0 ${W} ${h}`, width: W, height: h, class: "loss", role: "img", "aria-label": label });
  chart.append(svg("polyline", { points: points.join(" "), class: "line" }));
  const drawnAt = calls.findIndex((c) => c.index === drawnIndex);
  const v = values[drawnAt];
  if (v !== undefined && Number.isFinite(v)) chart.append(svg("circle", { cx: x(drawnAt), cy: y(v), r: 3.5, class: "drawn" }));
  chart.addEventListener("click", (e) => {
    const box = chart.getBoundingClientRect();
    const at = ((e.clientX - box.left) / box.width) * W;
    let best = -1;
    for (let i = 0; i < calls.length; i++) {
      if (calls[i].recorded && (best < 0 || Math.abs(x(i) - at) < Math.abs(x(best) - at))) best = i;
    }
    if (best >= 0 && calls[best].index !== drawnIndex) onPick(calls[best].index);
  });
  return chart;
}

/** the charts; clicking one picks the nearest recorded call */
export function lossChart(calls: BackwardSummary[], drawnIndex: number | undefined, onPick: (index: number) => void): HTMLElement {
  const nonFinite = calls.filter((c) => !Number.isFinite(c.loss)).length;
  const last = calls[calls.length - 1];
  const drawn = calls.find((c) => c.index === drawnIndex);
  const parts: (HTMLElement | SVGSVGElement)[] = [
    el("h3", {}, `Loss per backward() call (${calls.length})`),
    seriesChart(
      calls.map((c) => c.loss),
      H,
      calls,
      drawnIndex,
      onPick,
      "the loss per call",
    ),
    el(
      "p",
      { class: "muted" },
      `first ${fmt(calls[0].loss)}, last ${fmt(last.loss)}` +
        (nonFinite ? `; ${nonFinite} call(s) with a NaN or infinite loss` : "") +
        (drawn ? `; stepping call ${drawn.index + 1}. Click the curve to step another.` : ""),
    ),
  ];
  for (const name of metricNames(calls)) {
    const values = calls.map((c) => c.metrics?.[name]);
    const known = values.filter((v): v is number => v !== undefined);
    const at = drawn?.metrics?.[name];
    parts.push(
      el("h3", { class: "metric", data: { metric: name } }, `${name} per call`),
      seriesChart(values, H_METRIC, calls, drawnIndex, onPick, `${name} per call`),
      el(
        "p",
        { class: "muted" },
        `first ${fmt(known[0])}, last ${fmt(known[known.length - 1])}, from ${fmt(Math.min(...known))} to ${fmt(Math.max(...known))}` +
          (at !== undefined ? `; ${fmt(at)} at call ${drawn!.index + 1}` : ""),
      ),
    );
  }
  return el("div", { class: "calls" }, ...parts);
}

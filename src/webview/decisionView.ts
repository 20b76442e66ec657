// what a two-input model learned, as micrograd's demo ends: its output over the input plane, with
// the data points on it (showDecision(model, data) in the script), for the call the panel steps.
// drawn as svg from the run's numbers: every colour is a theme colour, every cell a rect.
import type { Decision } from "../engine/types";
import { el } from "./dom";
import { fmt } from "./format";

const SIZE = 280;
const SVG = "http://www.w3.org/2000/svg";
/** the theme's chart colours, by class: a class index picks one, round */
const PALETTE = ["blue", "orange", "green", "purple", "red", "yellow"];

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

/**
 * how the plane and the points are coloured. points by their label: the labels sorted, a theme
 * colour each (two classes: blue and orange). the plane: by class when the model gives whole
 * numbers (a class index); else on a scale around the threshold between two labels (0 for ±1, 0.5
 * for 0 and 1), the colour of the side it is on, stronger further from it
 */
export function colourScale(d: Decision): { cell(v: number): { cls: string; opacity: number }; point(label: number): string } {
  const labels = [...new Set(d.points.map((p) => p.label))].sort((a, b) => a - b);
  const classOf = (label: number) => {
    const at = labels.indexOf(label);
    return `c-${PALETTE[(at < 0 ? Math.abs(Math.round(label)) : at) % PALETTE.length]}`;
  };
  const whole = d.grid.values.every((v) => Number.isInteger(v) && v >= 0);
  if (whole)
    return {
      cell: (v) => ({ cls: `c-${PALETTE[v % PALETTE.length]}`, opacity: 0.35 }),
      point: (l) => `c-${PALETTE[Math.abs(Math.round(l)) % PALETTE.length]}`,
    };
  const threshold = labels.length === 2 ? (labels[0] + labels[1]) / 2 : 0;
  const [below, above] = labels.length === 2 ? [classOf(labels[0]), classOf(labels[1])] : ["c-blue", "c-orange"];
  const most = Math.max(1e-12, ...d.grid.values.filter(Number.isFinite).map((v) => Math.abs(v - threshold)));
  return {
    cell: (v) =>
      Number.isFinite(v)
        ? { cls: v >= threshold ? above : below, opacity: 0.08 + 0.5 * Math.min(1, Math.abs(v - threshold) / most) }
        : { cls: "c-none", opacity: 1 },
    point: classOf,
  };
}

export function decisionView(d: Decision, call: number | undefined): HTMLElement {
  const { x0, x1, y0, y1, nx, ny, values } = d.grid;
  const cw = SIZE / nx;
  const ch = SIZE / ny;
  const colour = colourScale(d);
  const pic = svg("svg", {
    viewBox: `0 0 ${SIZE} ${SIZE}`,
    width: SIZE,
    height: SIZE,
    class: "decision",
    role: "img",
    "shape-rendering": "crispEdges",
  });
  pic.setAttribute("aria-label", "the model's output over the input plane, with the data points");
  for (let j = 0; j < ny; j++)
    for (let i = 0; i < nx; i++) {
      const { cls, opacity } = colour.cell(values[j * nx + i]);
      // row j is at y0 + j·dy: drawn from the bottom up, as a plot reads
      pic.append(
        svg("rect", {
          x: i * cw,
          y: SIZE - (j + 1) * ch,
          width: cw,
          height: ch,
          class: cls,
          "fill-opacity": opacity.toFixed(3),
        }),
      );
    }
  const px = (x: number) => ((x - x0) / (x1 - x0 || 1)) * SIZE;
  const py = (y: number) => SIZE - ((y - y0) / (y1 - y0 || 1)) * SIZE;
  for (const p of d.points) pic.append(svg("circle", { cx: px(p.x), cy: py(p.y), r: 3.2, class: `point ${colour.point(p.label)}` }));
  return el(
    "div",
    { class: "decision-box", id: "decision" },
    el("h3", {}, call === undefined ? "What the model learned" : `What the model learned, at call ${call + 1}`),
    pic,
    el(
      "p",
      { class: "muted" },
      `The model's output over x from ${fmt(x0)} to ${fmt(x1)} and y from ${fmt(y0)} to ${fmt(y1)}, with the ${d.points.length} data points. Pick another call on the curve to see its picture.`,
    ),
  );
}

// the details of a step inside a tensor op: the op's backward rule with its numbers, as small
// matrices (dA = dC · Bᵀ), and for a broadcast operand, which axis its grad was summed over.
import { el } from "./dom";
import { fmt } from "./format";
import type { RunFacts } from "./runFacts";
import { fitsGrid, opName, shapeLine } from "./tensorText";
import { rowsOf, tensorBoxOf, type Numbers, type TensorRule } from "./tensorRule";

/** a tensor's numbers as a small table (NaN where not computed yet: "?"); a big one as its shape, min and max */
export function matrixTable(n: Numbers, mark?: { rows?: boolean; cols?: boolean; unknown?: (k: number) => boolean }): HTMLElement {
  if (!fitsGrid(n.shape)) {
    const min = n.values.reduce((a, x) => Math.min(a, x), Infinity);
    const max = n.values.reduce((a, x) => Math.max(a, x), -Infinity);
    return el("p", { class: "muted" }, `[${n.shape.join("×")}]: min ${fmt(min)}, max ${fmt(max)}`);
  }
  const cols = n.shape.length === 2 ? n.shape[1] : Math.max(1, n.shape[0] ?? 1);
  const rows = rowsOf(n).map((r, i) => el("tr", {}, ...r.map((x, j) => el("td", {}, mark?.unknown?.(i * cols + j) ? "?" : fmt(x, 3)))));
  const cls = ["matrix", mark?.rows ? "summed-rows" : "", mark?.cols ? "summed-cols" : ""].filter(Boolean).join(" ");
  return el("table", { class: cls }, el("tbody", {}, ...rows));
}

/** the section for a step whose node a tensor op made; "" when none did */
export function tensorSection(f: RunFacts, node: number): HTMLElement | "" {
  const box = tensorBoxOf(f.tree, node);
  if (!box?.tensor) return "";
  const rule = f.ruleOf(box);
  if (!rule) return "";
  const rank = box.tensor.shape.length;
  const mark = { rows: rank === 2 && rule.summed.includes(0), cols: rank === 2 && rule.summed.includes(1) };
  const terms = rule.terms.map((t) =>
    el(
      "div",
      { class: "tensor-term" },
      el("p", { class: "formula" }, el("span", { class: "name" }, t.name), ` = ${t.formula}`),
      matrixTable(t.grad),
    ),
  );
  return el(
    "section",
    { class: "tensor-rule", id: "tensor-rule" },
    el("h4", {}, `Tensor op ${box.name}: ${opName(box.tensor)}, ${shapeLine(box.tensor)}`),
    el("p", { class: "formula" }, el("span", { class: "name" }, `d${rule.out}`), " (what reached its outputs)"),
    matrixTable(rule.dOut, mark),
    ...terms,
    rule.shares ? sharesOf(rule.shares) : "",
    el(
      "p",
      { class: "muted" },
      "Each operand's grad is what this op's scalar steps send its elements, added up: Step into to watch them one by one.",
    ),
  );
}

/** each sample's share of a batch matmul's weight grad, folded until asked for */
function sharesOf(shares: NonNullable<TensorRule["shares"]>): HTMLElement {
  const shown = shares.samples.slice(0, 8);
  const rest = shares.samples.length - shown.length;
  return el(
    "details",
    { class: "shares", id: "sample-shares" },
    el("summary", {}, `Each sample's share of ${shares.name} (${shares.samples.length}, added up to ${shares.name})`),
    ...shown.flatMap((n, i) => [el("p", { class: "muted" }, `sample ${i + 1}`), matrixTable(n)]),
    rest > 0 ? el("p", { class: "muted" }, `… and ${rest} more samples`) : "",
  );
}

/** the forward pass at a value a tensor op makes: the op with its operands' numbers and its output so far */
export function tensorForwardSection(f: RunFacts, node: number, computed: (id: number) => boolean): HTMLElement | "" {
  const box = tensorBoxOf(f.tree, node);
  const t = box?.tensor;
  if (!box || !t || t.op === "tensor") return "";
  const groups = new Map(f.trace.groups.map((g) => [g.id, g]));
  const dataOf = (id: number) => f.nodes.get(id)!.data;
  const operands = t.inputs.map((input, k) => {
    const ids = input.group === undefined ? undefined : groups.get(input.group)?.tensor?.values;
    const name = input.label || (input.group !== undefined ? groups.get(input.group)?.name : undefined) || "AB"[k];
    if (input.number !== undefined || !ids) return el("p", { class: "formula" }, `${name ?? ""} = ${fmt(input.number ?? NaN)}`);
    return el(
      "div",
      { class: "tensor-term" },
      el("p", { class: "formula" }, el("span", { class: "name" }, name ?? ""), `  [${input.shape.join("×")}]`),
      matrixTable({ shape: input.shape, values: ids.map(dataOf) }),
    );
  });
  const done = t.values.filter(computed).length;
  return el(
    "section",
    { class: "tensor-rule", id: "tensor-rule" },
    el("h4", {}, `Tensor op ${box.name}: ${opName(t)}, ${shapeLine(t)}`),
    ...operands,
    el("p", { class: "formula" }, el("span", { class: "name" }, t.label || box.name), `: ${done} of ${t.values.length} elements computed`),
    matrixTable({ shape: t.shape, values: t.values.map(dataOf) }, { unknown: (k) => !computed(t.values[k]) }),
  );
}

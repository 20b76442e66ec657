// a tensor op's backward rule with its numbers: dA = dC · Bᵀ and dB = Aᵀ · dC for a matmul, which
// axis a broadcast operand's grad is summed over, the derivative an elementwise op multiplies by.
// the numbers are the pass's own: dC is what reached the op's outputs, and each operand's grad is
// what the op's scalar steps sent its elements, added up (the chain rule through the op, exactly).
// pure (no DOM): details.ts draws it.
import type { Trace, TraceNode } from "../engine/trace";
import type { TraceTensor, TraceTensorInput } from "../engine/types";
import type { Box, GroupTree } from "./groupTree";
import { matrixSize } from "./tensorText";

/** a tensor's numbers, row-major, with its shape */
export interface Numbers {
  shape: number[];
  values: number[];
}

export interface RuleTerm {
  /** "dX", "dW1" */
  name: string;
  /** "dC · W1ᵀ", "dC summed over the batch axis (axis 0)" */
  formula: string;
  /** the grad the op sends this operand, in its shape */
  grad: Numbers;
}

export interface TensorRule {
  /** the op's output, as the learner named it ("C", "h", "X·W1") */
  out: string;
  /** the grad that reached the op's outputs */
  dOut: Numbers;
  /** one per tensor operand (numbers operands have no grad to show) */
  terms: RuleTerm[];
  /** the output's axes a broadcast operand's grad is summed over (for marking dOut's rows or columns) */
  summed: number[];
  /** a batch matmul X·W: each sample's share of dW (X[i]ᵀ · dC[i]), which add up to dW */
  shares?: { name: string; samples: Numbers[] };
}

/** the innermost tensor op's box that holds this value, if any */
export function tensorBoxOf(tree: GroupTree, id: number): Box | undefined {
  for (let k = tree.boxOf.get(id) ?? 0; k > 0; k = tree.boxes[k].parent) if (tree.boxes[k].tensor) return tree.boxes[k];
  return undefined;
}

/** every value a box holds, at any depth */
function idsIn(tree: GroupTree, key: number, into = new Set<number>()): Set<number> {
  const b = tree.boxes[key];
  for (const id of b.values) into.add(id);
  for (const c of b.boxes) idsIn(tree, c, into);
  return into;
}

const DERIVATIVE: Record<string, (x: string, y: string) => string> = {
  tanh: (_x, y) => `(1 − ${y}²)`,
  sigmoid: (_x, y) => `${y} ⊙ (1 − ${y})`,
  exp: (_x, y) => y,
  relu: (x) => `[${x} > 0]`,
  log: (x) => `1 / ${x}`,
  neg: () => "(−1)",
};

/** "the batch axis (axis 0)" for a 2-D output's rows, "axis 1 (the columns)", "every element" */
export function axesText(axes: readonly number[], outRank: number): string {
  if (axes.length === 0) return "";
  if (outRank === 2 && axes.length === 2) return "both axes";
  return axes
    .map((a) => (outRank === 2 && a === 0 ? "the batch axis (axis 0, the rows)" : outRank === 2 ? "axis 1 (the columns)" : `axis ${a}`))
    .join(" and ");
}

/** an operand's name: its label, the op that made it, or A, B */
function operandName(trace: Trace, input: TraceTensorInput, k: number): string {
  if (input.label) return input.label;
  const g = input.group === undefined ? undefined : groupOf(trace, input.group);
  if (g?.name) return /^[\w.]+$/.test(g.name) ? g.name : `(${g.name})`;
  return "AB"[k] ?? `X${k}`;
}

/** the formula of the grad an op sends operand k */
function formulaOf(t: TraceTensor, k: number, names: string[], out: string): string {
  const dC = `d${out}`;
  const other = names[1 - k];
  switch (t.op) {
    case "matmul":
      return k === 0 ? `${dC} · ${other}ᵀ` : `${other}ᵀ · ${dC}`;
    case "add":
      return dC;
    case "sub":
      return k === 0 ? dC : `−${dC}`;
    case "mul":
      return `${dC} ⊙ ${other}`;
    case "div":
      return k === 0 ? `${dC} / ${other}` : `−${dC} ⊙ ${names[0]} / ${other}²`;
    case "transpose":
      return `${dC}ᵀ`;
    case "sum":
      return t.axis === undefined ? `${dC}, to every element` : `${dC}, spread along axis ${t.axis}`;
    case "mean": {
      const n = t.axis === undefined ? t.inputs[0].shape.reduce((a, b) => a * b, 1) : t.inputs[0].shape[t.axis];
      return t.axis === undefined ? `${dC} / ${n}, to every element` : `${dC} / ${n}, spread along axis ${t.axis}`;
    }
    case "pow":
      return `${dC} ⊙ ${t.exponent ?? "k"}·${names[0]}^${t.exponent === undefined ? "(k − 1)" : (t.exponent - 1).toString()}`;
    default:
      if (t.op.startsWith("manual:")) return `your backward(${dC}, …) for ${names[k]}`;
      return DERIVATIVE[t.op] ? `${dC} ⊙ ${DERIVATIVE[t.op](names[0], out)}` : `${dC} through ${t.op}`;
  }
}

/** what tensorRule reads of a trace, with the indexes the page keeps of it (RunFacts) */
export interface TraceIndex {
  readonly trace: Trace;
  readonly tree: GroupTree;
  /** each node with children: its step's index in trace.steps */
  readonly stepIndex: ReadonlyMap<number, number>;
  readonly nodes: ReadonlyMap<number, TraceNode>;
}

/**
 * the rule of the tensor op drawn by box `b`, with the pass's numbers. `upstream(id)`: what reached
 * a value in this pass (its step's upstream). reads only the op's own steps and operands (found
 * through the indexes), not the whole trace: the details ask on every step inside a tensor op
 */
export function tensorRule(ix: TraceIndex, b: Box, upstream: (id: number) => number): TensorRule | undefined {
  const { trace, tree } = ix;
  const t = b.tensor;
  if (!t || t.op === "tensor") return undefined;
  const out = t.label || (/^[\w.]+$/.test(b.name) ? b.name : `(${b.name})`);
  const dOut = { shape: t.shape, values: t.values.map(upstream) };
  const names = t.inputs.map((input, k) => operandName(trace, input, k));
  // what the op's own steps sent each operand's elements, in the order the pass ran them (the
  // grads add up as the pass added them)
  const inside = idsIn(tree, b.key);
  const own: number[] = [];
  for (const id of inside) {
    const si = ix.stepIndex.get(id);
    if (si !== undefined) own.push(si);
  }
  own.sort((x, y) => x - y);
  const sent = new Map<number, number>();
  for (const si of own) {
    const s = trace.steps[si];
    for (const u of s.updates) if (!inside.has(u.child)) sent.set(u.child, (sent.get(u.child) ?? 0) + u.local * s.upstream);
  }
  const terms: RuleTerm[] = [];
  t.inputs.forEach((input, k) => {
    if (input.number !== undefined || input.group === undefined) return;
    const ids = groupOf(trace, input.group)?.tensor?.values;
    if (!ids) return;
    const axes = input.broadcast ?? [];
    const summed = axes.length ? `, summed over ${axesText(axes, t.shape.length)}` : "";
    terms.push({
      name: `d${names[k]}`,
      formula: formulaOf(t, k, names, out) + summed,
      grad: { shape: input.shape, values: ids.map((id) => sent.get(id) ?? 0) },
    });
  });
  const summed = [...new Set(t.inputs.flatMap((i) => i.broadcast ?? []))];
  const shares = t.op === "matmul" ? sampleShares(ix, t, dOut, names[1]) : undefined;
  return shares ? { out, dOut, terms, summed, shares } : { out, dOut, terms, summed };
}

function groupOf(trace: Trace, id: number): Trace["groups"][number] | undefined {
  return trace.groups.find((g) => g.id === id);
}

/** a batch matmul [n,k]·[k,m]: sample i's share of the right operand's grad, the outer product X[i]ᵀ · dC[i] */
function sampleShares(ix: TraceIndex, t: TraceTensor, dOut: Numbers, right: string): TensorRule["shares"] {
  const [a, b] = t.inputs;
  if (a.shape.length !== 2 || b.shape.length !== 2 || a.group === undefined || b.number !== undefined) return undefined;
  const ids = groupOf(ix.trace, a.group)?.tensor?.values;
  if (!ids) return undefined;
  const [rows, k] = a.shape;
  const m = b.shape[1];
  const samples: Numbers[] = [];
  for (let i = 0; i < rows; i++) {
    const values: number[] = [];
    for (let p = 0; p < k; p++) for (let q = 0; q < m; q++) values.push(ix.nodes.get(ids[i * k + p])!.data * dOut.values[i * m + q]);
    samples.push({ shape: [k, m], values });
  }
  return { name: `d${right}`, samples };
}

/** rows of a tensor's numbers for a table: [] and [n] as one row */
export function rowsOf(n: Numbers): number[][] {
  const { rows, cols } = matrixSize(n.shape);
  const out: number[][] = [];
  for (let r = 0; r < rows; r++) out.push(n.values.slice(r * cols, (r + 1) * cols));
  return out;
}

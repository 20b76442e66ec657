// what a tensor op's group remembers (group.ts Group.tensor), and how the trace writes it: the op,
// its operands, its output tensor, which axes a broadcast stretched; and the op as a learner writes
// it with its operands' names ("X·W1", "h + b1", "sigmoid(z1)"), the name the panel and the cli show.

import type { TraceTensor, TraceTensorInput } from "../types";
import type { Tensor } from "./tensor";
import { broadcastAxes } from "./shapes";

/** a tensor op as it ran, kept on its group until the trace is built */
export interface TensorRecord {
  /** "tensor" for a tensor made from numbers, else the op's name ("matmul", "manual:sigmoid") */
  readonly op: string;
  readonly out: Tensor;
  /** its operands in order: tensors, or numbers (t.mul(2)) */
  readonly inputs: readonly (Tensor | number)[];
  /** elementwise ops: the operands were broadcast to the output's shape */
  readonly broadcasts?: boolean;
  /** sum and mean over one axis */
  readonly axis?: number;
  /** pow */
  readonly exponent?: number;
}

/** a name longer than this is cut, with "…" */
const NAME_MAX = 48;

const INFIX: Record<string, string> = { add: " + ", sub: " - ", mul: " * ", div: " / ", matmul: "·" };

/** the op written with its operands' names: "X·W1", "h + b1", "sigmoid(z1)", "sum(e, axis 1)"; a tensor's label */
export function tensorName(r: TensorRecord): string {
  const name = formula(r, 0);
  return name.length > NAME_MAX ? name.slice(0, NAME_MAX - 1) + "…" : name;
}

function formula(r: TensorRecord, depth: number): string {
  const op = r.op;
  if (op === "tensor") return r.out.label !== "" ? r.out.label : "tensor";
  const infix = INFIX[op] !== undefined;
  const tight = op === "pow" || op === "neg" || op === "transpose";
  const args = r.inputs.map((x) => operand(x, depth, infix || tight ? op : null));
  if (infix) return args.join(INFIX[op]);
  if (op === "transpose") return `${args[0]}ᵀ`;
  if (op === "neg") return `-${args[0]}`;
  if (op === "pow") return `${args[0]}**${r.exponent}`;
  if (op === "sum" || op === "mean") return r.axis === undefined ? `${op}(${args[0]})` : `${op}(${args[0]}, axis ${r.axis})`;
  if (op.startsWith("manual:")) return `${op.slice(7)}(${args.join(", ")})`;
  return `${op}(${args.join(", ")})`;
}

/** how tightly an infix op binds */
const BINDS: Record<string, number> = { add: 1, sub: 1, mul: 2, div: 2, matmul: 3, neg: 4, pow: 4, transpose: 4 };

/**
 * an operand's name: its label, a number, or the op that made it; in parentheses inside an infix
 * op (`parent`) that binds as tightly or more ("(a + b) * c", "X·W1 + b1")
 */
function operand(x: Tensor | number, depth: number, parent: string | null): string {
  if (typeof x === "number") return String(x);
  if (x.label !== "") return x.label;
  const r = x.group?.tensor;
  if (r === undefined || r === null || r.op === "tensor" || depth >= 3) return r?.op === "tensor" ? "tensor" : "…";
  const inner = formula(r, depth + 1);
  if (parent === null) return inner;
  const loose = BINDS[r.op] !== undefined && BINDS[r.op] <= BINDS[parent] && !(r.op === parent && (r.op === "add" || r.op === "mul"));
  return loose || r.op === "neg" ? `(${inner})` : inner;
}

/** the record as the trace carries it (types.ts TraceTensor) */
export function traceTensor(r: TensorRecord): TraceTensor {
  const out = r.out;
  const t: TraceTensor = {
    op: r.op,
    shape: out.shape.slice(),
    label: out.label,
    values: out.values.map((v) => v.id),
    inputs: r.inputs.map((x) => {
      const shape = typeof x === "number" ? [] : x.shape.slice();
      const input: TraceTensorInput =
        typeof x === "number"
          ? { shape, label: "", number: x }
          : { shape, label: x.label, ...(x.group !== null ? { group: x.group.id } : {}) };
      if (r.broadcasts) {
        const axes = broadcastAxes(shape, out.shape);
        if (axes.length > 0) input.broadcast = axes;
      }
      return input;
    }),
  };
  if (r.axis !== undefined) t.axis = r.axis;
  if (r.exponent !== undefined) t.exponent = r.exponent;
  return t;
}

// replays a tensor program of test/fixtures/tensor-ops.json on the engine (the python side is
// test/torch/make_tensor_fixtures.py): [out, op, operands…], operands are register names or
// numbers; the root is sum(last * weights).

import { Linear, Tensor, binaryCrossEntropy, mse, softmaxCrossEntropy, tensor, type TensorData } from "../../src/engine";

export type Operand = string | number | null | number[];

export interface TensorCase {
  name: string;
  inputs: Record<string, TensorData>;
  program: Operand[][];
  weights: TensorData;
  values: Record<string, TensorData>;
  grads: Record<string, TensorData | null>;
}

export function runTensorCase(c: TensorCase): { regs: Map<string, Tensor>; root: Tensor } {
  const regs = new Map<string, Tensor>();
  for (const [name, data] of Object.entries(c.inputs)) regs.set(name, tensor(data, name));
  const reg = (a: Operand): Tensor => {
    const t = typeof a === "string" ? regs.get(a) : undefined;
    if (t === undefined) throw new Error(`${c.name}: ${String(a)} is not a register`);
    return t;
  };
  let last: Tensor | undefined;
  for (const step of c.program) {
    const [out, op, x, y, z] = step as [string, string, Operand, Operand, Operand];
    let t: Tensor;
    switch (op) {
      case "add":
      case "sub":
      case "mul":
      case "div":
        if (typeof x === "number") {
          // a number on the left: rsub and rdiv (add and mul turn around)
          const b = reg(y);
          t = op === "sub" ? b.rsub(x) : op === "div" ? b.rdiv(x) : b[op](x);
        } else t = reg(x)[op](typeof y === "number" ? y : reg(y));
        break;
      case "matmul":
        t = reg(x).matmul(reg(y));
        break;
      case "transpose":
        t = reg(x).transpose();
        break;
      case "sum":
      case "mean":
        t = reg(x)[op](y === null ? undefined : (y as number));
        break;
      case "pow":
        t = reg(x).pow(y as number);
        break;
      case "linear":
        t = reg(x).matmul(reg(y)).add(reg(z));
        break;
      case "mse":
        t = mse(reg(x), reg(y));
        break;
      case "bce":
        t = binaryCrossEntropy(reg(x), reg(y));
        break;
      case "sce":
        t = softmaxCrossEntropy(reg(x), y as number | number[]);
        break;
      case "exp":
      case "log":
      case "tanh":
      case "relu":
      case "sigmoid":
      case "neg":
        t = reg(x)[op]();
        break;
      default:
        throw new Error(`${c.name}: unknown op ${op}`);
    }
    regs.set(out, t);
    last = t;
  }
  const root = last!.mul(tensor(c.weights)).sum();
  return { regs, root };
}

/** a Linear's W and b as the fixture's linear_init draws them */
export function linearInit(nin: number, nout: number, seed: number): { W: TensorData; b: TensorData } {
  const l = new Linear(nin, nout, { seed });
  return { W: l.W.data, b: l.b.data };
}

/** numbers equal to 1e-12, relative above 1 */
export function closeTo(a: number, b: number, tol = 1e-12): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  return Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));
}

/** nested numbers of one shape, equal element by element; the first difference, or null */
export function differs(got: unknown, want: unknown, tol = 1e-12, at = ""): string | null {
  if (typeof want === "number") {
    return typeof got === "number" && closeTo(got, want, tol) ? null : `${at || "value"}: ${String(got)}, torch ${want}`;
  }
  if (!Array.isArray(want) || !Array.isArray(got) || got.length !== want.length)
    return `${at || "value"}: shape differs (${JSON.stringify(got)} vs ${JSON.stringify(want)})`;
  for (let i = 0; i < want.length; i++) {
    const d = differs(got[i], want[i], tol, `${at}[${i}]`);
    if (d !== null) return d;
  }
  return null;
}

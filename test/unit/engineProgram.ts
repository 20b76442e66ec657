// replays an expression program of test/fixtures/expressions.json on the engine (the python side is
// test/torch/make_reference.py): [out, op, x, y?], operands are names or constants.

import { Value, lift } from "../../src/engine";

export type Operand = string | number;

export interface Program {
  name: string;
  inputs: Record<string, number>;
  program: Operand[][];
}

export function runProgram(expr: Program): { regs: Map<string, Value>; root: Value } {
  const regs = new Map<string, Value>();
  for (const [name, v] of Object.entries(expr.inputs)) regs.set(name, new Value(v, name));
  const val = (a: Operand): Value | number => {
    if (typeof a === "number") return a;
    const v = regs.get(a);
    if (v === undefined) throw new Error(`${expr.name}: ${a} used before it is defined`);
    return v;
  };
  let root: Value | undefined;
  for (const step of expr.program) {
    const [out, op, x, y] = step as [string, string, Operand, Operand | undefined];
    const a = lift(val(x)); // a constant on the left becomes a leaf, as python's 2 * x does
    const b = y === undefined ? 0 : val(y);
    let v: Value;
    switch (op) {
      case "add":
        v = a.add(b);
        break;
      case "sub":
        v = a.sub(b);
        break;
      case "mul":
        v = a.mul(b);
        break;
      case "div":
        v = a.div(b);
        break;
      case "pow":
        v = a.pow(b as number);
        break;
      case "neg":
        v = a.neg();
        break;
      case "exp":
        v = a.exp();
        break;
      case "log":
        v = a.log();
        break;
      case "tanh":
        v = a.tanh();
        break;
      case "relu":
        v = a.relu();
        break;
      case "sigmoid":
        v = a.sigmoid();
        break;
      default:
        throw new Error(`${expr.name}: unknown op ${op}`);
    }
    v.label = out;
    regs.set(out, v);
    root = v;
  }
  if (root === undefined) throw new Error(`${expr.name}: empty program`);
  return { regs, root };
}

/** equal within rel relative error (non-finite numbers must match exactly) */
export function close(actual: number, expected: number, rel = 1e-9, abs = 1e-12): boolean {
  if (!Number.isFinite(expected) || !Number.isFinite(actual))
    return Object.is(actual, expected) || (Number.isNaN(actual) && Number.isNaN(expected));
  return Math.abs(actual - expected) <= Math.max(rel * Math.max(Math.abs(actual), Math.abs(expected)), abs);
}

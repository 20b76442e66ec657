// a tensor: a shaped array of Values ([], [n] or [r, c], row-major). every op makes its output's
// elements with the scalar ops (Value.add, .mul, .exp, …), so the chain rule, the numeric check,
// breakpoints and what-if work on a tensor's scalars as they do on any value; and every op runs in a
// group of its own (kind "tensor") that remembers the op, its operands and its output (record.ts),
// so the panel can draw the op as one node and open it into its scalars.

import { Value } from "../value";
import { Group, currentGroup, withGroup } from "../group";
import { binaryValues, broadcastShape, type BinaryOp, type Shaped } from "./broadcast";
import { matmulShape, matmulValues } from "./matmul";
import { checkAxis, reduceValues, reducedShape } from "./reduce";
import { manualOp, type ManualBackward, type ManualForward } from "./manual";
import type { TensorRecord } from "./record";
import { elementLabel, flatten, nest, shapeOf, shapeText, type NestedNumbers, type TensorData } from "./shapes";

export type { TensorData, NestedNumbers } from "./shapes";

export class Tensor implements Shaped {
  /** [] for one number, [n] for a vector, [r, c] for a matrix */
  readonly shape: readonly number[];
  /** the elements, row-major: element [i, j] of an [r, c] tensor is values[i * c + j] */
  readonly values: readonly Value[];
  /** @internal the group of the op (or of the numbers) that made it */
  readonly group: Group | null;
  private name = "";

  /** @internal tensors come from tensor(), from ops, and from Tensor.manual */
  constructor(shape: readonly number[], values: readonly Value[], group: Group | null, label = "") {
    this.shape = Object.freeze(shape.slice());
    this.values = Object.freeze(values.slice());
    this.group = group;
    if (label !== "") this.label = label;
  }

  /** "W1", "X"; setting it names the elements too (W1[0,1]) unless they have names of their own */
  get label(): string {
    return this.name;
  }

  set label(label: string) {
    const old = this.name;
    const next = String(label);
    const { shape, values } = this;
    for (let k = 0; k < values.length; k++) {
      const v = values[k];
      if (v.label === "" || (old !== "" && v.label === elementLabel(old, shape, k))) v.label = elementLabel(next, shape, k);
    }
    this.name = next;
  }

  /** the number of elements */
  get size(): number {
    return this.values.length;
  }

  /** the numbers, nested like the shape (a number for shape []) */
  get data(): NestedNumbers {
    return nest(
      this.values.map((v) => v.data),
      this.shape,
    );
  }

  /** the grads, nested like the shape */
  get grad(): NestedNumbers {
    return nest(
      this.values.map((v) => v.grad),
      this.shape,
    );
  }

  /** the number of a one-element tensor (a loss) */
  item(): number {
    return this.one("item").data;
  }

  add(other: Tensor | number): Tensor {
    return binary("add", this, other);
  }

  sub(other: Tensor | number): Tensor {
    return binary("sub", this, other);
  }

  mul(other: Tensor | number): Tensor {
    return binary("mul", this, other);
  }

  div(other: Tensor | number): Tensor {
    return binary("div", this, other);
  }

  /** other - this, for a number on the left (1 - p) */
  rsub(other: Tensor | number): Tensor {
    return binary("sub", other, this);
  }

  /** other / this, for a number on the left (1 / x) */
  rdiv(other: Tensor | number): Tensor {
    return binary("div", other, this);
  }

  /** the matrix product, as numpy's matmul: [n,k]·[k,m] -> [n,m]; [k]·[k,m] -> [m]; [n,k]·[k] -> [n] */
  matmul(other: Tensor): Tensor {
    const b = asTensor("matmul", other);
    const shape = matmulShape(this.shape, b.shape);
    return run("matmul", [this, b], shape, () => matmulValues(this, b));
  }

  /** rows become columns ([r, c] -> [c, r]); a vector or a number stays as it is. makes no values: the same elements, reordered */
  transpose(): Tensor {
    const { shape, values } = this;
    if (shape.length < 2) return run("transpose", [this], shape, () => values.slice());
    const [r, c] = shape;
    return run("transpose", [this], [c, r], () => Array.from({ length: r * c }, (_, k) => values[(k % r) * c + Math.floor(k / r)]));
  }

  /** numpy's name for transpose() */
  get T(): Tensor {
    return this.transpose();
  }

  /** every element added up (shape []), or along one axis (sum(0) of [r, c] is [c]) */
  sum(axis?: number): Tensor {
    return reduce("sum", this, axis);
  }

  /** sum divided by the count of its terms */
  mean(axis?: number): Tensor {
    return reduce("mean", this, axis);
  }

  exp(): Tensor {
    return unary("exp", this, (v) => v.exp());
  }

  log(): Tensor {
    return unary("log", this, (v) => v.log());
  }

  tanh(): Tensor {
    return unary("tanh", this, (v) => v.tanh());
  }

  relu(): Tensor {
    return unary("relu", this, (v) => v.relu());
  }

  sigmoid(): Tensor {
    return unary("sigmoid", this, (v) => v.sigmoid());
  }

  neg(): Tensor {
    return unary("neg", this, (v) => v.neg());
  }

  /** each element ** k, k a number */
  pow(k: number): Tensor {
    if (typeof k !== "number") throw new TypeError(`pow takes a number exponent (t.pow(2)), got ${typeof k}`);
    return unary("pow", this, (v) => v.pow(k), k);
  }

  /** the chain rule from this one-element tensor (a loss) back to every tensor it was made from */
  backward(): void {
    this.one("backward").backward();
  }

  /** grad := 0 for every element */
  zeroGrad(): void {
    for (const v of this.values) v.grad = 0;
  }

  /**
   * an op whose backward you write yourself, as the ManualGrad lesson does. forward gets the
   * inputs' data and returns the output's; backward gets the output's grad (upstream) and the
   * inputs' data and returns one grad per input, shaped like it. the result joins the graph like
   * any op (each output element is a hand-written scalar op whose local derivatives your backward
   * gives), and the numeric check runs your forward again to tell whether your backward is right.
   *
   *   const s = Tensor.manual("sigmoid", [x], (x) => map(x, sig), (up, x) => [map2(up, x, (u, v) => u * sig(v) * (1 - sig(v)))]);
   */
  static manual(name: string, inputs: readonly Tensor[], forward: ManualForward, backward: ManualBackward): Tensor {
    const ins = inputs.map((x, i) => asTensor(`Tensor.manual("${name}") input ${i}`, x));
    const op = manualOp(String(name), ins, forward, backward);
    return run(`manual:${name}`, ins, op.shape, op.make);
  }

  /** JSON.stringify(t) gives its numbers, not its graph */
  toJSON(): { shape: number[]; label: string; data: NestedNumbers } {
    return { shape: this.shape.slice(), label: this.name, data: this.data };
  }

  toString(): string {
    const name = this.name === "" ? "" : `${this.name}, `;
    return `Tensor(${name}shape ${shapeText(this.shape)}, data ${JSON.stringify(this.data)})`;
  }

  /** console.log in node shows the short form, not the graph behind the values */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  private one(what: string): Value {
    if (this.values.length !== 1) {
      throw new Error(
        `${what}() needs a tensor of one element, such as a loss; this one has shape ${shapeText(this.shape)} (${this.values.length} elements): sum() or mean() it first`,
      );
    }
    return this.values[0];
  }
}

/** a tensor of the numbers in data ([], [n] or [r, c]), its elements leaves named after label (W1[0,1]) */
export function tensor(data: TensorData, label = ""): Tensor {
  const shape = shapeOf(data, "tensor");
  const flat = flatten(data);
  const g = new Group("tensor", "tensor", currentGroup(), null, null);
  const values = withGroup(g, () => flat.map((x) => new Value(x)));
  const t = new Tensor(shape, values, g, label);
  g.tensor = { op: "tensor", out: t, inputs: [] };
  return t;
}

/** runs an op's making of its output values in a group of its own, and records the op on it */
function run(
  op: string,
  inputs: readonly (Tensor | number)[],
  shape: readonly number[],
  make: () => Value[],
  extra?: Partial<TensorRecord>,
): Tensor {
  const g = new Group("tensor", op, currentGroup(), null, null);
  const values = withGroup(g, make);
  const out = new Tensor(shape, values, g);
  g.tensor = { op, out, inputs, ...extra };
  return out;
}

function asTensor(op: string, x: unknown): Tensor {
  if (x instanceof Tensor) return x;
  throw new TypeError(
    `${op}: expected a Tensor, got ${x === null ? "null" : typeof x === "object" ? (x.constructor?.name ?? "object") : typeof x}`,
  );
}

/** a number operand: one constant value (a leaf of the op's group), shared by every element */
function operand(op: string, x: Tensor | number): Shaped {
  if (typeof x === "number") return { shape: [], values: [new Value(x)] };
  return asTensor(op, x);
}

function binary(op: BinaryOp, a: Tensor | number, b: Tensor | number): Tensor {
  const shapeA = typeof a === "number" ? [] : asTensor(op, a).shape;
  const shapeB = typeof b === "number" ? [] : asTensor(op, b).shape;
  const shape = broadcastShape(op, shapeA, shapeB);
  return run(op, [a, b], shape, () => binaryValues(op, operand(op, a), operand(op, b), shape), { broadcasts: true });
}

function unary(op: string, t: Tensor, f: (v: Value) => Value, exponent?: number): Tensor {
  return run(op, [t], t.shape, () => t.values.map(f), exponent === undefined ? undefined : { exponent });
}

function reduce(op: "sum" | "mean", t: Tensor, axis: number | undefined): Tensor {
  const ax = axis === undefined ? undefined : checkAxis(op, t.shape, axis);
  return run(op, [t], reducedShape(t.shape, ax), () => reduceValues(t, ax, op === "mean"), ax === undefined ? undefined : { axis: ax });
}

// shapes of tensors ([], [n], [r, c]) and the nested arrays that hold their numbers: reading a shape
// from data, flattening row-major and nesting back, numpy's broadcasting rule, and a shape as text.

/** a tensor's numbers as the script writes them: a number, a list, or a list of rows */
export type TensorData = number | readonly number[] | readonly (readonly number[])[];

/** the same, as the engine hands it back (t.data, t.grad) */
export type NestedNumbers = number | number[] | number[][];

/** "[4, 3]", as error messages write a shape */
export function shapeText(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/** "[4×3]", as the trace's tensor lines write a shape */
export function shapeShort(shape: readonly number[]): string {
  return `[${shape.join("×")}]`;
}

/** the number of elements of a shape */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** the shape of nested data, checked: rows of equal length, numbers only, at most two axes */
export function shapeOf(data: unknown, where: string): number[] {
  if (typeof data === "number") return [];
  if (!Array.isArray(data)) throw new TypeError(`${where}: expected a number, a list of numbers or a list of rows, got ${kindOf(data)}`);
  if (data.length === 0 || !Array.isArray(data[0])) {
    data.forEach((x, i) => {
      if (typeof x !== "number") throw new TypeError(`${where}: element ${i} is ${kindOf(x)}, not a number`);
    });
    return [data.length];
  }
  const cols = (data[0] as unknown[]).length;
  data.forEach((row, i) => {
    if (!Array.isArray(row)) throw new TypeError(`${where}: row ${i} is ${kindOf(row)}, not a list`);
    if (row.length !== cols) throw new Error(`${where}: row ${i} has ${row.length} numbers, row 0 has ${cols}`);
    row.forEach((x, j) => {
      if (Array.isArray(x)) throw new Error(`${where}: tensors have at most two axes ([r, c]); element [${i}, ${j}] is a list`);
      if (typeof x !== "number") throw new TypeError(`${where}: element [${i}, ${j}] is ${kindOf(x)}, not a number`);
    });
  });
  return [data.length, cols];
}

/** nested data as one row-major list */
export function flatten(data: TensorData): number[] {
  if (typeof data === "number") return [data];
  const out: number[] = [];
  for (const x of data as readonly (number | readonly number[])[]) {
    if (typeof x === "number") out.push(x);
    else for (const y of x) out.push(y);
  }
  return out;
}

/** a row-major list as nested data of the shape */
export function nest(flat: ArrayLike<number>, shape: readonly number[], from = 0): NestedNumbers {
  if (shape.length === 0) return flat[from];
  if (shape.length === 1) return row(flat, from, shape[0]);
  const [r, c] = shape;
  const rows = new Array<number[]>(r);
  for (let i = 0; i < r; i++) rows[i] = row(flat, from + i * c, c);
  return rows;
}

/** n numbers of flat from `from`, as a plain list (plain loops: Array.from with a function is slow) */
function row(flat: ArrayLike<number>, from: number, n: number): number[] {
  const out = new Array<number>(n);
  for (let j = 0; j < n; j++) out[j] = flat[from + j];
  return out;
}

/**
 * numpy's broadcasting of two shapes: aligned from the right, a missing axis or an axis of size 1
 * stretches to the other's size. null when they do not broadcast
 */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] | null {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return null;
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** the axes of `out` that `shape` was stretched along to reach it (missing, or 1 against more): its grad is summed over them */
export function broadcastAxes(shape: readonly number[], out: readonly number[]): number[] {
  const axes: number[] = [];
  const lead = out.length - shape.length;
  for (let i = 0; i < out.length; i++) {
    const d = i < lead ? 1 : shape[i - lead];
    if (d === 1 && out[i] !== 1) axes.push(i);
  }
  return axes;
}

/**
 * for each element of `out` (row-major), the index of the element of `shape` it reads when
 * `shape` is broadcast to `out`
 */
export function broadcastIndex(shape: readonly number[], out: readonly number[]): Int32Array {
  const n = sizeOf(out);
  const at = new Int32Array(n);
  const lead = out.length - shape.length;
  // strides of `shape` read along out's axes; 0 along a stretched axis
  const strides = out.map((size, i) => {
    if (i < lead) return 0;
    const d = shape[i - lead];
    if (d === 1 && size !== 1) return 0;
    let s = 1;
    for (let k = i - lead + 1; k < shape.length; k++) s *= shape[k];
    return s;
  });
  if (out.length === 0) return at;
  if (out.length === 1) {
    for (let i = 0; i < n; i++) at[i] = i * strides[0];
    return at;
  }
  const c = out[1];
  for (let i = 0, k = 0; i < out[0]; i++) for (let j = 0; j < c; j++) at[k++] = i * strides[0] + j * strides[1];
  return at;
}

/** "W1[0,1]": an element's label from its tensor's label and its place */
export function elementLabel(label: string, shape: readonly number[], k: number): string {
  if (shape.length === 0) return label;
  if (shape.length === 1) return `${label}[${k}]`;
  const c = shape[1];
  return `${label}[${Math.floor(k / c)},${k % c}]`;
}

function kindOf(x: unknown): string {
  if (x === null) return "null";
  if (typeof x === "object") return x.constructor?.name ?? "object";
  return typeof x === "string" ? `the string ${JSON.stringify(x)}` : `${typeof x} ${String(x)}`;
}

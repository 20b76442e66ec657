// a scalar that remembers how it was made: its op and its ordered children. the local derivative
// d(this)/d(child) of each child follows from the op and the data (ops.ts localOf), so the stepper
// can show it; a hand-written op (manualGrad) keeps the locals it was given.

import { ADD, CUSTOM, DIV, EXP, LEAF, LOG, MUL, NEG, OP_NAMES, POW, RELU, SIGMOID, SUB, TANH, evalOp, localOf, powName } from "./ops";
import type { ManualOp, Node, PowExponent, SourceLoc } from "./types";
import { currentGroup, type Group } from "./group";
import { Extra, atOf, atWithExt, atWithGroup, atWithLoc, type At } from "./extra";
import { backward } from "./backward";
import { locate } from "./origin";
import { firstValue, watching } from "./update";

export type { SourceLoc, ManualOp } from "./types";

const NO_VALUES: readonly Value[] = Object.freeze([]);
const NO_NUMBERS: readonly number[] = Object.freeze([]);

let nextId = 1;

// data and grad live in shared blocks of numbers, two slots per value, not in two number fields:
// v8 boxes every number field in a 16-byte object of its own, so fields would triple the objects
// the garbage collector copies while a training loop's graph is being built. a block is freed
// when the last value using it is. ids and slots advance together (the value of id i is made when
// i - 1 values have been), so a value's slot follows from its id: no field of its own for it.
const BLOCK = 1024; // a power of 2: the slot is the id's low bits
let block = new Float64Array(0);

/** @internal primeEngine's: the next value is id 1 again, in a new block (no value made before may be used after) */
export function restartValueIds(): void {
  nextId = 1;
  block = new Float64Array(0);
}

/** where a value's data is in its block (its grad is next): from the id, as blocks are filled in id order */
function slotOf(id: number): number {
  return ((id - 1) & (BLOCK - 1)) << 1;
}

export class Value implements Node {
  // every field is set in the constructor, in one order, so all values share one hidden class.
  // ops keep up to two children in _a/_b instead of an array, and no closure: few, small objects
  // per node, because garbage collection of a training loop's graphs is what costs the most.
  /** increasing integer, never reused in a process: the node id in traces and the panel */
  declare readonly id: number;
  /** @internal the block holding data and grad, at slotOf(id) and the slot after */
  declare _n: Float64Array;
  declare label: string;
  /** @internal the group the value was made in, or a record of it with the value's place or op record (extra.ts) */
  declare _at: At;
  /** @internal op code (ops.ts) */
  declare _code: number;
  /** @internal first child */
  declare _a: Value | null;
  /** @internal second child */
  declare _b: Value | null;
  /** @internal where this value stands in the latest topological sort that reached it (topo.ts) */
  declare _mark: number;

  constructor(data: number, label = "") {
    const id = nextId++;
    const slot = slotOf(id);
    if (slot === 0) block = new Float64Array(2 * BLOCK);
    this.id = id;
    this._n = block;
    block[slot] = data; // grad starts at 0, as the block does
    this.label = label;
    const group = currentGroup();
    this._at = atOf(group, locate(group));
    this._code = LEAF;
    this._a = null;
    this._b = null;
    this._mark = 0;
    if (watching) firstValue(); // the next graph's first value ends the update after a watched backward() (update.ts)
  }

  /** the group (a module's call or parameters, a loss, a sum) the value was made in, if any */
  get group(): Group | null {
    const at = this._at;
    return at instanceof Extra ? at.group : at;
  }

  set group(g: Group | null) {
    this._at = atWithGroup(this._at, g);
  }

  /** source location of the expression that created this value; set by the runner when it can */
  get loc(): SourceLoc | undefined {
    const at = this._at;
    return at instanceof Extra ? at.loc : undefined;
  }

  set loc(loc: SourceLoc | undefined) {
    this._at = atWithLoc(this._at, loc);
  }

  /** @internal pow's exponent, or a hand-written op's record; null for other ops */
  get _ext(): PowExponent | ManualOp | null {
    const at = this._at;
    return at instanceof Extra ? at.ext : null;
  }

  /** @internal */
  set _ext(ext: PowExponent | ManualOp | null) {
    this._at = atWithExt(this._at, ext);
  }

  /** path of the nn module that created this value ("MLP/L1/N2"), if any */
  get module(): string | undefined {
    return this.group === null ? undefined : this.group.path;
  }

  get data(): number {
    return this._n[slotOf(this.id)];
  }

  set data(x: number) {
    this._n[slotOf(this.id)] = x;
  }

  /** d(root)/d(this), summed over every backward() since it was last set to 0 */
  get grad(): number {
    return this._n[slotOf(this.id) + 1];
  }

  set grad(x: number) {
    this._n[slotOf(this.id) + 1] = x;
  }

  /** "" for a leaf, else a short op name: "+", "*", "**2", "tanh", or a hand-written op's name */
  get op(): string {
    const c = this._code;
    if (c === CUSTOM) return (this._ext as ManualOp).name;
    if (c === POW) return powName((this._ext as PowExponent).k);
    return OP_NAMES[c];
  }

  /** the inputs in order; a value used twice appears twice (a.mul(a) has children [a, a]) */
  get children(): readonly Value[] {
    if (this._code === CUSTOM) return (this._ext as ManualOp).children as readonly Value[]; // manualGrad lifted them
    const a = this._a;
    if (a === null) return NO_VALUES;
    const b = this._b;
    return b === null ? [a] : [a, b];
  }

  /** d(this)/d(child) for each child, in child order, at the current data (what backward would use) */
  get locals(): readonly number[] {
    const c = this._code;
    if (c === CUSTOM) return (this._ext as ManualOp).locals;
    const a = this._a;
    if (a === null) return NO_NUMBERS;
    const b = this._b;
    const k = c === POW ? (this._ext as PowExponent).k : 0;
    const y = b === null ? 0 : b.data;
    const la = localOf(c, 0, this.data, a.data, y, k);
    return b === null ? [la] : [la, localOf(c, 1, this.data, a.data, y, k)];
  }

  add(other: Value | number): Value {
    return node(ADD, this, lift(other));
  }

  sub(other: Value | number): Value {
    return node(SUB, this, lift(other));
  }

  mul(other: Value | number): Value {
    return node(MUL, this, lift(other));
  }

  div(other: Value | number): Value {
    return node(DIV, this, lift(other));
  }

  /** other - this, for a number on the left (2 - x) */
  rsub(other: Value | number): Value {
    return lift(other).sub(this);
  }

  /** other / this, for a number on the left (1 / x) */
  rdiv(other: Value | number): Value {
    return lift(other).div(this);
  }

  /** this ** k for a constant exponent k */
  pow(k: number): Value {
    if (typeof k !== "number") throw new TypeError(`pow takes a number exponent (x.pow(2)), got ${kindOf(k)}`);
    return node(POW, this, null, { k });
  }

  neg(): Value {
    return node(NEG, this, null);
  }

  exp(): Value {
    return node(EXP, this, null);
  }

  log(): Value {
    return node(LOG, this, null);
  }

  tanh(): Value {
    return node(TANH, this, null);
  }

  relu(): Value {
    return node(RELU, this, null);
  }

  sigmoid(): Value {
    return node(SIGMOID, this, null);
  }

  /** grad of this := grad + 1, then the chain rule in reverse topological order; grads accumulate like pytorch */
  backward(): void {
    backward(this);
  }

  /** JSON.stringify(v) gives the value, not its whole graph */
  toJSON(): { id: number; label: string; op: string; data: number; grad: number } {
    return { id: this.id, label: this.label, op: this.op, data: this.data, grad: this.grad };
  }

  toString(): string {
    const name = this.label === "" ? "" : `label=${this.label}, `;
    return `Value(${name}data=${this.data}, grad=${this.grad})`;
  }

  /** console.log in node shows the short form, not the whole graph behind _a/_b */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/** the one place a number becomes a (leaf) value */
export function lift(x: Value | number): Value {
  if (typeof x === "number") return new Value(x);
  if (x instanceof Value) return x;
  // a plain-javascript slip (x[i] past the end, a string) would otherwise turn into a silent NaN
  throw new TypeError(`expected a Value or a number, got ${kindOf(x)}`);
}

function kindOf(x: unknown): string {
  return x === null ? "null" : typeof x === "object" ? (x.constructor?.name ?? "object") : `${typeof x} ${String(x)}`;
}

/** the value a built-in op makes from its children (b: null for an op of one child), its data by the op's forward formula */
function node(code: number, a: Value, b: Value | null, pow: PowExponent | null = null): Value {
  const v = new Value(evalOp(code, a.data, b === null ? 0 : b.data, pow === null ? 0 : pow.k));
  v._code = code;
  v._a = a;
  v._b = b;
  if (pow !== null) v._ext = pow;
  return v;
}

/**
 * an op whose backward you write yourself: data is its output, locals[i] = d(out)/d(children[i]).
 * it shows in the graph and the stepper like a built-in op. pass forward (the same formula as a
 * function of the children's data) to let gradCheck test your locals; without it gradCheck can only
 * linearise the op with the locals you gave (see gradCheck.ts).
 *
 *   const s = 1 / (1 + Math.exp(-x.data));
 *   const y = manualGrad("sigmoid*", [x], s, [s * (1 - s)]);
 */
export function manualGrad(
  op: string,
  children: readonly (Value | number)[],
  data: number,
  locals: readonly number[],
  forward?: (xs: readonly number[]) => number,
): Value {
  if (children.length !== locals.length) {
    throw new Error(`manualGrad("${op}"): ${children.length} children but ${locals.length} local derivatives`);
  }
  const v = new Value(data);
  v._code = CUSTOM;
  v._ext = {
    name: op,
    children: Object.freeze(children.map(lift)),
    locals: Object.freeze(locals.slice()),
    forward: forward ?? null,
  };
  return v;
}

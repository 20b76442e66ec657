// every built-in op, in two tables: its forward formula (evalOp) and its local derivatives
// (localOf). they are the only place either is written: the Value methods make their data with
// evalOp and backward() uses localOf, and so does the evaluator of a recorded graph (evaluator.ts)
// that gradCheck, the numeric check and what-if use. a hand-written op (manualGrad) brings its own.
//
// a value stores its op as a small integer (a code below) so the class stays monomorphic and cheap;
// the string a learner sees comes from OP_NAMES (or the name given to a hand-written op).

export const LEAF = 0;
export const ADD = 1;
export const SUB = 2;
export const MUL = 3;
export const DIV = 4;
export const POW = 5;
export const NEG = 6;
export const EXP = 7;
export const LOG = 8;
export const TANH = 9;
export const RELU = 10;
export const SIGMOID = 11;
/** hand-written op (manualGrad): its name, children and locals live in a side object */
export const CUSTOM = 12;

/** short names, readable on a graph node; pow shows its exponent ("**2") and is built by powName */
export const OP_NAMES: readonly string[] = ["", "+", "-", "*", "/", "**", "neg", "exp", "log", "tanh", "relu", "sigmoid", "custom"];

/**
 * the forward formulas: out as a function of the children's data x (and y, for an op of two); k is
 * pow's exponent. with a constant code (a Value method) the switch folds away once compiled.
 */
export function evalOp(code: number, x: number, y: number, k: number): number {
  switch (code) {
    case ADD:
      return x + y;
    case SUB:
      return x - y;
    case MUL:
      return x * y;
    case DIV:
      return x / y;
    case POW:
      return Math.pow(x, k);
    case NEG:
      return -x;
    case EXP:
      return Math.exp(x);
    case LOG:
      return Math.log(x);
    case TANH:
      return Math.tanh(x);
    case RELU:
      return x < 0 ? 0 : x;
    case SIGMOID:
      return sigmoid(x);
    default:
      throw new Error(`evalOp: op code ${code} has no forward formula`);
  }
}

/**
 * the local derivatives: d(out)/d(child i) of a built-in op, from the data of out and of its
 * children (x, y); k is pow's exponent. derived when needed instead of stored in every value: two
 * fewer 16-byte number boxes per value, which is most of the garbage collector's work in a training loop.
 */
export function localOf(code: number, i: number, out: number, x: number, y: number, k: number): number {
  switch (code) {
    case ADD:
      return 1;
    case SUB:
      return i === 0 ? 1 : -1;
    case MUL:
      return i === 0 ? y : x;
    case DIV:
      return i === 0 ? 1 / y : -x / (y * y);
    case POW:
      return k * Math.pow(x, k - 1);
    case NEG:
      return -1;
    case EXP:
      return out;
    case LOG:
      return 1 / x;
    case TANH:
      return 1 - out * out;
    case RELU:
      return x > 0 ? 1 : 0;
    case SIGMOID:
      return out * (1 - out);
    default:
      throw new Error(`localOf: op code ${code} has no built-in derivative`);
  }
}

/** logistic function, written so exp never overflows on the side that matters */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** the exponent as a learner would type it: 2, -1, 0.5 */
export function powName(k: number): string {
  return "**" + String(k);
}

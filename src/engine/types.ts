// the engine's shared shapes, and nothing else: no code, so any file can import them without
// importing the files that implement them. that keeps the engine's imports free of cycles:
// value.ts imports backward.ts (v.backward()), so backward.ts names what it walks by the Node
// interface here, not by the Value class.

import type { Group, GroupKind } from "./group";

/** where a value was created in the user's script (filled in by the runner, not the engine) */
export interface SourceLoc {
  /** 1-based */
  line: number;
  /** 1-based */
  column: number;
  /** the file, when it is not the script itself (a value made in an imported file) */
  file?: string;
}

/**
 * a value as the graph's walkers (topo.ts, backward.ts, tape.ts, trace.ts) see it. value.ts's Value
 * is the only kind there is.
 */
export interface Node {
  readonly id: number;
  label: string;
  data: number;
  /** d(root)/d(this), summed over every backward() since it was last set to 0 */
  grad: number;
  /** "" for a leaf, else a short op name: "+", "*", "**2", "tanh", or a hand-written op's name */
  readonly op: string;
  /** the inputs in order; a value used twice appears twice */
  readonly children: readonly Node[];
  /** d(this)/d(child) for each child, in child order, at the current data */
  readonly locals: readonly number[];
  /** the group (a module's call or parameters, a loss, a sum) the value was made in, if any */
  group: Group | null;
  loc: SourceLoc | undefined;
  /** @internal op code (ops.ts); LEAF for a leaf */
  _code: number;
  /** @internal first child of a built-in op, null for a leaf or a hand-written op */
  _a: Node | null;
  /** @internal second child of a binary op, else null */
  _b: Node | null;
  /** @internal pow's exponent, or a hand-written op's record; null for other ops */
  _ext: PowExponent | ManualOp | null;
  /**
   * @internal where this value stands in the latest topological sort that reached it: that sort's
   * base plus its position in the order (topo.ts); 0 before any sort
   */
  _mark: number;
}

/** pow's constant exponent, kept beside the op (pow has one child) */
export interface PowExponent {
  readonly k: number;
}

/** the side record of a hand-written op (manualGrad); rare, so it stays out of the hot fields */
export interface ManualOp {
  readonly name: string;
  readonly children: readonly Node[];
  readonly locals: readonly number[];
  /** optional pure forward formula, used when live values are worked out again (gradCheck); a trace does not carry it */
  readonly forward: ((xs: readonly number[]) => number) | null;
}

/** what a recorded backward pass keeps: flat arrays of numbers, from which its steps are worked out again (tape.ts) */
export interface Tape {
  /** grad of order[i] before the pass */
  readonly gradBefore: Float64Array;
  /** grad of order[i] right after the pass (a training loop changes it later) */
  readonly gradAfter: Float64Array;
  /** data of order[i] when the pass ran (an optimizer changes it later) */
  readonly data: Float64Array;
  /** the positions in order of the values with no children (the leaves), ascending */
  readonly leaves: Int32Array;
}

/** one finished backward() call */
export interface BackwardCall {
  /** 0, 1, 2… per process, counting every backward() call, heard or not */
  readonly index: number;
  readonly root: Node;
  /** the topological order the pass used (leaves first, root last); empty once the runner has let the call go */
  readonly order: readonly Node[];
  /** in the order backward ran them; null when recording was off */
  readonly steps: TraceStep[] | null;
  /** each value's locals as the pass used them (order[i]'s at i), without making the steps; null when recording was off */
  readonly locals: number[][] | null;
  /** some value in the graph had a non-zero grad before the pass: its grads were added to, not set */
  readonly accumulated: boolean;
  /** grad of order[i] before the pass, null when recording was off */
  readonly gradBefore: Float64Array | null;
  /** grad of order[i] right after the pass, null when recording was off */
  readonly gradAfter: Float64Array | null;
  /** data of order[i] when the pass ran, null when recording was off */
  readonly data: Float64Array | null;
  /** the positions in order of the leaves, null when recording was off */
  readonly leaves: Int32Array | null;
}

export type BackwardListener = (call: BackwardCall) => void;

// the trace of one backward() call as plain data: what `trace --json` prints and the panel draws
// (trace.ts builds it). contract: for every update, after = before + local * upstream of its step
// (and upstream is the node's final grad when all grads were zero before the pass).

export interface TraceUpdate {
  child: number;
  /** d(node)/d(child), recorded at forward time */
  local: number;
  /** child's grad before this update */
  before: number;
  /** before + local * upstream */
  after: number;
}

export interface TraceStep {
  node: number;
  /** d(root)/d(node) within this pass */
  upstream: number;
  /** one per child, in child order (a child used twice appears twice) */
  updates: TraceUpdate[];
}

export interface TraceNode {
  id: number;
  label: string;
  op: string;
  data: number;
  /** grad after the pass */
  grad: number;
  /** grad before the pass; null when the pass was not recorded */
  gradBefore: number | null;
  children: number[];
  /** d(this)/d(child) per child */
  locals: number[];
  module?: string;
  /** a hand-written op (manualGrad): its op is a name, not a formula */
  custom?: true;
  /**
   * a leaf's d(root)/d(leaf) by central difference on this pass's values; deep in a long chain, the
   * product of the central differences along it (numericCheck.ts, evaluator.ts LeafSlopes)
   */
  numeric?: number;
  /** the numeric check went through a hand-written op, linearised with its own locals */
  linearized?: true;
  /**
   * a hand-written op given its forward formula (manualGrad's forward, Tensor.manual): d(this)/d(child)
   * per child by central difference of that formula, run again on this pass's values. the numeric
   * check goes through the op with these, not with its own locals, so it tells whether they are right
   */
  numericLocals?: number[];
  /** id of the innermost group (in Trace.groups) the value was made in */
  group?: number;
  loc?: SourceLoc;
}

/** a group of values: a module's parameters or one call of it, a loss, a term, a sum */
export interface TraceGroup {
  id: number;
  kind: GroupKind;
  /** "MLP", "layer 2", "neuron 1", "mse", "term 3", "sum" */
  name: string;
  /** the enclosing group, null at the top */
  parent: number | null;
  /** which call of its module this is, 1, 2, … in this graph (sample 3 of a model); null for parameters and helpers */
  call: number | null;
  /** the module it belongs to, as the id of that module's parameters group (calls and parameters share it) */
  owner?: number;
  /** the module path of its values ("MLP/L1/N2") */
  module?: string;
  /** a tensor op's group (kind "tensor"): what the panel draws as one node */
  tensor?: TraceTensor;
}

/**
 * a tensor op, or a tensor made from numbers (op "tensor"): its group holds the scalar values it
 * made. for op "tensor" the group's name is the tensor's label; for an op, the op written with its
 * inputs' names ("X·W1", "h + b1", "sigmoid(z)")
 */
export interface TraceTensor {
  /**
   * "tensor" (made from numbers), "add" "sub" "mul" "div" "matmul" "transpose" "sum" "mean" "exp"
   * "log" "tanh" "relu" "sigmoid" "pow" "neg", or "manual:<name>" for Tensor.manual
   */
  op: string;
  /** the output's shape: [], [n] or [r, c] */
  shape: number[];
  /** the output tensor's label ("W1", "h"), "" when it has none */
  label: string;
  /**
   * the output's elements' value ids, row-major: values of this group, except where the op makes
   * none of its own (a transpose: its input's elements, reordered; a sum of a single element: that
   * element)
   */
  values: number[];
  /** the op's operands in order; none for op "tensor" */
  inputs: TraceTensorInput[];
  /** sum and mean: the axis reduced; absent when every element was */
  axis?: number;
  /** pow: the exponent */
  exponent?: number;
}

/** one operand of a tensor op */
export interface TraceTensorInput {
  /** a tensor's shape; [] for a number */
  shape: number[];
  /** a tensor's label, "" when it has none */
  label: string;
  /** the group (in Trace.groups) of the tensor op, or of the tensor made from numbers, that made this operand */
  group?: number;
  /** a number operand (t.mul(2)): the number; its one value is a leaf of the op's group */
  number?: number;
  /**
   * the output's axes this operand was broadcast along (numpy's rule: a missing axis, or a size of
   * 1 stretched): its grad is the output's grad summed over them. absent when none
   */
  broadcast?: number[];
}

export interface Trace {
  /** which backward() call of the process this was (0, 1, …) */
  index: number;
  root: number;
  /** some grad was non-zero before the pass, so grads were added to (backward twice, no zeroGrad) */
  accumulated: boolean;
  /** false when recording was off: no steps, and data/grad are read live rather than from the pass */
  recorded: boolean;
  /** every value reachable from root exactly once, leaves first */
  nodes: TraceNode[];
  /** in the order backward ran them: one per node with children */
  steps: TraceStep[];
  /** every group a node is in, and their ancestors, parents before children */
  groups: TraceGroup[];
  /**
   * leaves without a numeric check: left for the panel to finish (a big graph), or past the cli's
   * budget for it (`trace` says how many it checked); absent when all are checked
   */
  numericPending?: number;
  /** what happened to the graph's leaves after this backward() (update.ts); absent when nothing moved them */
  update?: UpdateRecord;
}

// ---- the training step around a backward() call: the update after it, and the model's picture ----

/** who moved the leaves: an optimizer of the engine (its own step) or the script's own assignment (p.data -= lr * p.grad) */
export type UpdateRule = "sgd" | "adam" | "script";

/** one leaf whose data changed after a backward() call */
export interface ParamUpdate {
  id: number;
  /** data when backward ran */
  before: number;
  /** data when the update was over: at the next graph's first value, or the end of the run */
  after: number;
  /** grad at the time of the update (right after backward) */
  grad: number;
  /** moved by the script's own assignment, under an optimizer's rule: the optimizer did not move it, or the script moved it again after */
  script?: true;
  /** sgd with momentum: the velocity after the step (v = momentum·v + grad; after = before - lr·v) */
  velocity?: number;
  /** adam: first moment after the step, m = beta1·m + (1 - beta1)·grad */
  m?: number;
  /** adam: second moment after the step, v = beta2·v + (1 - beta2)·grad² */
  v?: number;
  /** adam: m / (1 - beta1^t), the bias-corrected first moment */
  mHat?: number;
  /** adam: v / (1 - beta2^t), the bias-corrected second moment */
  vHat?: number;
  /** adam: what the step took off, lr·m̂ / (√v̂ + eps) (before - after, up to rounding) */
  step?: number;
}

/**
 * what happened to a graph's leaves after its backward(): until the next graph's first value, or
 * the end of the run (an optimizer's step counts until the next backward()). rule names the first
 * optimizer that stepped, with its numbers; "script" when none did and the script assigned data itself.
 */
export interface UpdateRecord {
  rule: UpdateRule;
  /** the leaves whose data changed, by id */
  params: ParamUpdate[];
  /** sgd and adam: the learning rate of the step */
  lr?: number;
  /** sgd: 0 for plain p -= lr·grad */
  momentum?: number;
  /** adam */
  beta1?: number;
  /** adam */
  beta2?: number;
  /** adam */
  eps?: number;
  /** adam: the steps it has taken, this one included */
  t?: number;
}

/** a two-input model's output over the input plane (showDecision) */
export interface DecisionGrid {
  /** the plane's first input runs from x0 to x1 (the data's bounds and a 10% margin) */
  x0: number;
  x1: number;
  /** the second input, from y0 to y1 */
  y0: number;
  y1: number;
  /** samples along x and along y, both ends included */
  nx: number;
  ny: number;
  /**
   * row by row from y0: values[j * nx + i] is the model's output at x0 + i·(x1 - x0)/(nx - 1),
   * y0 + j·(y1 - y0)/(ny - 1); for a model of several outputs, the index of the largest (its class)
   */
  values: number[];
}

/** one data point shown on the plane */
export interface DecisionPoint {
  x: number;
  y: number;
  /** its target: a class index, or ±1, or a number */
  label: number;
}

/** the decision picture of a call: the model's output over the plane and the data points on it */
export interface Decision {
  grid: DecisionGrid;
  points: DecisionPoint[];
}

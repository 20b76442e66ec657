// a trace as columns of numbers in one buffer: how a drawn call travels from the worker to the host
// and on to the page. the worker's trace of micrograd's two-moons step is 65,814 values; as objects
// it took v8's serialisation to the host, JSON for the page (25 MB) and JSON.parse there. as
// columns it is one ArrayBuffer (copied, never parsed) beside a small head and the distinct texts;
// a recorded pass's steps stay behind (the nodes give them again, stepReplay.ts), and a node's
// optional fields take a place only in the nodes that have them: 4.7 MB for that step.
//
// decodeTrace(encodeTrace(t)) is t again, field for field and key for key (so `trace --json` prints
// the same text either way): NaN, infinities and -0 are kept by the Float64Arrays, any text by the
// string table. a node's field this file does not know (numericLocals of a hand-written op, say)
// travels beside the columns with the node's order of keys (`extras`); a trace whose steps or
// texts are not as expected is not encoded (encodeTrace returns undefined) and travels as objects.
import type { SourceLoc, Trace, TraceNode, TraceStep, TraceUpdate } from "../engine/types";
import { replaySteps, stepsFollow } from "./stepReplay";

/** the trace's parts other than nodes and steps, as they are (nodes and steps are null, keeping their places) */
export type TraceHead = Omit<Trace, "nodes" | "steps"> & { nodes: null; steps: null };

export interface TraceColumns {
  head: TraceHead;
  /** the distinct texts (labels, ops, module paths, files): the columns hold indices into it */
  strings: string[];
  /** how many nodes, children, locals, steps and updates */
  sizes: Sizes;
  /** every column, one after the other, each 8-byte aligned, in the order of COLUMNS */
  buffer: ArrayBuffer;
  /** the few nodes with fields the columns do not hold: [position, its keys in order, those fields] */
  extras: [number, string[], Record<string, unknown>][];
  /** the steps are not in the columns: they are worked out again from the nodes (stepReplay.ts) */
  stepsReplayed?: true;
}

/** the fields the columns hold */
const KNOWN = new Set(nodeKeys(255).split(","));

// per node, which optional fields it has (and whether gradBefore is null)
const NO_GRAD_BEFORE = 1;
const GROUP = 2;
const MODULE = 4;
const LOC = 8;
const LOC_FILE = 16;
const CUSTOM = 32;
const NUMERIC = 64;
const LINEARIZED = 128;

type ArrayType = Float64ArrayConstructor | Int32ArrayConstructor | Uint32ArrayConstructor | Uint8ArrayConstructor;
/**
 * how many nodes, children, locals, steps and updates; and how many nodes have each optional field
 * (a node's optional fields are packed: the k-th node with a group has the k-th entry of the group
 * column): gradBefore (gb: 0 when every grad before the pass is 0), group, module, loc, a loc's
 * file, numeric. a big graph's nodes mostly have no creation line and no numeric check yet, and a
 * pass after zeroGrad() starts from grads of 0: those columns are then empty
 */
export type Sizes = {
  n: number;
  c: number;
  l: number;
  s: number;
  u: number;
  gb: number;
  g: number;
  m: number;
  loc: number;
  file: number;
  num: number;
};

/** the columns: name, element type, and its length from the counts (nodes, children, locals, steps, updates) */
const COLUMNS = [
  ["id", Uint32Array, (z: Sizes) => z.n],
  ["label", Int32Array, (z: Sizes) => z.n],
  ["op", Int32Array, (z: Sizes) => z.n],
  ["data", Float64Array, (z: Sizes) => z.n],
  ["grad", Float64Array, (z: Sizes) => z.n],
  ["gradBefore", Float64Array, (z: Sizes) => z.gb],
  ["childStart", Int32Array, (z: Sizes) => z.n + 1],
  ["localStart", Int32Array, (z: Sizes) => z.n + 1],
  ["group", Float64Array, (z: Sizes) => z.g],
  ["module", Int32Array, (z: Sizes) => z.m],
  ["locLine", Int32Array, (z: Sizes) => z.loc],
  ["locColumn", Int32Array, (z: Sizes) => z.loc],
  ["locFile", Int32Array, (z: Sizes) => z.file],
  ["numeric", Float64Array, (z: Sizes) => z.num],
  ["flags", Uint8Array, (z: Sizes) => z.n],
  ["children", Uint32Array, (z: Sizes) => z.c],
  ["locals", Float64Array, (z: Sizes) => z.l],
  ["stepNode", Uint32Array, (z: Sizes) => z.s],
  ["upstream", Float64Array, (z: Sizes) => z.s],
  ["updateStart", Int32Array, (z: Sizes) => z.s + 1],
  ["child", Uint32Array, (z: Sizes) => z.u],
  ["local", Float64Array, (z: Sizes) => z.u],
  ["before", Float64Array, (z: Sizes) => z.u],
  ["after", Float64Array, (z: Sizes) => z.u],
] as const satisfies readonly (readonly [string, ArrayType, (z: Sizes) => number])[];

type Name = (typeof COLUMNS)[number][0];
type Views = { [K in (typeof COLUMNS)[number] as K[0]]: InstanceType<K[1]> };

/** the views of every column over one buffer (a new zeroed one when none is given) */
function views(z: Sizes, given?: ArrayBuffer): { buffer: ArrayBuffer; cols: Views } {
  const at: number[] = [];
  let bytes = 0;
  for (const [, type, len] of COLUMNS) {
    at.push(bytes);
    bytes += Math.ceil((len(z) * type.BYTES_PER_ELEMENT) / 8) * 8;
  }
  const buffer = given ?? new ArrayBuffer(bytes);
  if (buffer.byteLength < bytes) throw new Error(`trace columns: ${buffer.byteLength} bytes, ${bytes} expected`);
  const cols = {} as Record<Name, Float64Array | Int32Array | Uint32Array | Uint8Array>;
  COLUMNS.forEach(([name, type, len], i) => (cols[name] = new type(buffer, at[i], len(z))));
  return { buffer, cols: cols as Views };
}

/** the keys a node has, in buildTrace's order, given its flags */
function nodeKeys(flags: number): string {
  let k = "id,label,op,data,grad,gradBefore,children,locals";
  if (flags & GROUP) k += ",group";
  if (flags & MODULE) k += ",module";
  if (flags & LOC) k += ",loc";
  if (flags & CUSTOM) k += ",custom";
  if (flags & NUMERIC) k += ",numeric";
  if (flags & LINEARIZED) k += ",linearized";
  return k;
}

const STEP_KEYS = "node,upstream,updates";
const UPDATE_KEYS = "child,local,before,after";

export interface EncodeOptions {
  /**
   * the trace was built without its steps (buildTrace's steps: false): they are the chain rule
   * over its nodes, and are worked out again when the columns are decoded
   */
  stepsFromNodes?: boolean;
}

/** the trace as columns; undefined when it has a field (or an order of fields) the columns do not keep */
export function encodeTrace(trace: Trace, options: EncodeOptions = {}): TraceColumns | undefined {
  const { nodes } = trace;
  // steps that the nodes give again, bit for bit, stay behind (more than half of a big trace's bytes)
  const replayed = options.stepsFromNodes
    ? trace.recorded && trace.steps.length === 0
    : stepsFollow(nodes, trace.steps) && Object.keys(trace.steps[0]).join(",") === STEP_KEYS && updateKeysAre(trace.steps);
  const steps = replayed ? [] : trace.steps;
  const z: Sizes = { n: nodes.length, c: 0, l: 0, s: steps.length, u: 0, gb: 0, g: 0, m: 0, loc: 0, file: 0, num: 0 };
  let gradsBefore = false;
  for (const n of nodes) {
    z.c += n.children.length;
    z.l += n.locals.length;
    if (n.gradBefore !== null) {
      z.gb++;
      // -0 is not 0: it is kept
      if (!Object.is(n.gradBefore, 0)) gradsBefore = true;
    }
    if (n.group !== undefined) z.g++;
    if (n.module !== undefined) z.m++;
    if (n.loc !== undefined) {
      z.loc++;
      if (n.loc.file !== undefined) z.file++;
    }
    if (n.numeric !== undefined) z.num++;
  }
  if (!gradsBefore) z.gb = 0;
  // each optional column's next entry
  const k = { gb: 0, g: 0, m: 0, loc: 0, file: 0, num: 0 };
  for (const s of steps) z.u += s.updates.length;
  const { buffer, cols } = views(z);
  const strings: string[] = [];
  const index = new Map<string, number>();
  const text = (s: string) => {
    let i = index.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      index.set(s, i);
    }
    return i;
  };
  // the keys of the node before, and its flags: most nodes have the keys of the one before them
  let lastFlags = -1;
  let lastKeys = "";
  const extras: TraceColumns["extras"] = [];
  /** the kinds of node (flags) whose order of keys was seen to be buildTrace's, and their number of keys */
  const checked = new Map<number, number>();
  let c = 0;
  let l = 0;
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i];
    if (typeof n.label !== "string" || typeof n.op !== "string") return undefined;
    let flags = 0;
    // ids are whole numbers below 2^32 (a counter per process): else the trace travels as objects
    if (n.id >>> 0 !== n.id) return undefined;
    cols.id[i] = n.id;
    cols.label[i] = text(n.label);
    cols.op[i] = text(n.op);
    cols.data[i] = n.data;
    cols.grad[i] = n.grad;
    if (n.gradBefore === null) flags |= NO_GRAD_BEFORE;
    else if (z.gb > 0) cols.gradBefore[k.gb++] = n.gradBefore;
    cols.childStart[i] = c;
    for (const id of n.children) {
      if (id >>> 0 !== id) return undefined;
      cols.children[c++] = id;
    }
    cols.localStart[i] = l;
    for (const x of n.locals) cols.locals[l++] = x;
    if (n.group !== undefined) {
      flags |= GROUP;
      cols.group[k.g++] = n.group;
    }
    if (n.module !== undefined) {
      if (typeof n.module !== "string") return undefined;
      flags |= MODULE;
      cols.module[k.m++] = text(n.module);
    }
    if (n.loc !== undefined) {
      const loc = n.loc;
      // lines and columns are whole numbers well inside an Int32Array's range
      if ((loc.line | 0) !== loc.line || (loc.column | 0) !== loc.column) return undefined;
      flags |= LOC;
      cols.locLine[k.loc] = loc.line;
      cols.locColumn[k.loc++] = loc.column;
      if (loc.file !== undefined) {
        if (typeof loc.file !== "string") return undefined;
        flags |= LOC_FILE;
        cols.locFile[k.file++] = text(loc.file);
      }
      if (Object.keys(loc).join(",") !== (loc.file !== undefined ? "line,column,file" : "line,column")) return undefined;
    }
    if (n.custom !== undefined) {
      if (n.custom !== true) return undefined;
      flags |= CUSTOM;
    }
    if (n.numeric !== undefined) {
      flags |= NUMERIC;
      cols.numeric[k.num++] = n.numeric;
    }
    if (n.linearized !== undefined) {
      if (n.linearized !== true) return undefined;
      flags |= LINEARIZED;
    }
    cols.flags[i] = flags;
    if (flags !== lastFlags) {
      lastFlags = flags;
      lastKeys = nodeKeys(flags);
    }
    // the order of keys is checked once per kind of node (nodes of a kind are made by the same
    // code); after that, their number: a field the columns do not know makes one more
    const expected = checked.get(flags);
    let count = 0;
    if (expected !== undefined) for (const _ in n) count++;
    if (expected === undefined || count !== expected) {
      const keys = Object.keys(n);
      if (keys.join(",") === lastKeys) {
        checked.set(flags, keys.length);
        continue;
      }
      const own: Record<string, unknown> = {};
      for (const k of keys) if (!KNOWN.has(k)) own[k] = (n as unknown as Record<string, unknown>)[k];
      extras.push([i, keys, own]);
    }
  }
  cols.childStart[z.n] = c;
  cols.localStart[z.n] = l;
  let u = 0;
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i];
    if (i === 0 && Object.keys(s).join(",") !== STEP_KEYS) return undefined;
    if (s.node >>> 0 !== s.node) return undefined;
    cols.stepNode[i] = s.node;
    cols.upstream[i] = s.upstream;
    cols.updateStart[i] = u;
    for (const up of s.updates) {
      if (u === 0 && Object.keys(up).join(",") !== UPDATE_KEYS) return undefined;
      if (up.child >>> 0 !== up.child) return undefined;
      cols.child[u] = up.child;
      cols.local[u] = up.local;
      cols.before[u] = up.before;
      cols.after[u++] = up.after;
    }
  }
  cols.updateStart[z.s] = u;
  // nodes and steps keep their places among the trace's keys
  const head = { ...trace, nodes: null, steps: null } as TraceHead;
  return { head, strings, sizes: z, buffer, extras, ...(replayed ? { stepsReplayed: true as const } : {}) };
}

/** the first update has the keys in the order the columns give them back */
function updateKeysAre(steps: readonly TraceStep[]): boolean {
  const first = steps.find((s) => s.updates.length > 0)?.updates[0];
  return first === undefined || Object.keys(first).join(",") === UPDATE_KEYS;
}

/** the trace the columns hold */
export function decodeTrace(t: TraceColumns): Trace {
  const z = t.sizes;
  const { cols } = views(z, t.buffer);
  const str = t.strings;
  const nodes: TraceNode[] = new Array(z.n);
  const k = { gb: 0, g: 0, m: 0, loc: 0, file: 0, num: 0 };
  for (let i = 0; i < z.n; i++) {
    const flags = cols.flags[i];
    const children: number[] = [];
    for (let c = cols.childStart[i], end = cols.childStart[i + 1]; c < end; c++) children.push(cols.children[c]);
    const locals: number[] = [];
    for (let l = cols.localStart[i], end = cols.localStart[i + 1]; l < end; l++) locals.push(cols.locals[l]);
    const n: TraceNode = {
      id: cols.id[i],
      label: str[cols.label[i]],
      op: str[cols.op[i]],
      data: cols.data[i],
      grad: cols.grad[i],
      gradBefore: flags & NO_GRAD_BEFORE ? null : z.gb > 0 ? cols.gradBefore[k.gb++] : 0,
      children,
      locals,
    };
    if (flags & GROUP) n.group = cols.group[k.g++];
    if (flags & MODULE) n.module = str[cols.module[k.m++]];
    if (flags & LOC) {
      const loc: SourceLoc = { line: cols.locLine[k.loc], column: cols.locColumn[k.loc++] };
      if (flags & LOC_FILE) loc.file = str[cols.locFile[k.file++]];
      n.loc = loc;
    }
    if (flags & CUSTOM) n.custom = true;
    if (flags & NUMERIC) n.numeric = cols.numeric[k.num++];
    if (flags & LINEARIZED) n.linearized = true;
    nodes[i] = n;
  }
  for (const [i, keys, own] of t.extras) {
    const known = nodes[i] as unknown as Record<string, unknown>;
    const n: Record<string, unknown> = {};
    for (const k of keys) n[k] = k in own ? own[k] : known[k];
    nodes[i] = n as unknown as TraceNode;
  }
  if (t.stepsReplayed) return { ...t.head, nodes, steps: replaySteps(nodes) };
  const steps: TraceStep[] = new Array(z.s);
  for (let i = 0; i < z.s; i++) {
    const updates: TraceUpdate[] = [];
    for (let u = cols.updateStart[i]; u < cols.updateStart[i + 1]; u++) {
      updates.push({ child: cols.child[u], local: cols.local[u], before: cols.before[u], after: cols.after[u] });
    }
    steps[i] = { node: cols.stepNode[i], upstream: cols.upstream[i], updates };
  }
  return { ...t.head, nodes, steps };
}

/** each node's op and number of children, in order ("+(2),tanh(1),…"): the graph's shape, read off the columns */
export function shapeOfColumns(t: TraceColumns): string {
  const { cols } = views(t.sizes, t.buffer);
  const parts: string[] = new Array(t.sizes.n);
  for (let i = 0; i < t.sizes.n; i++) parts[i] = `${t.strings[cols.op[i]]}(${cols.childStart[i + 1] - cols.childStart[i]})`;
  return parts.join(",");
}

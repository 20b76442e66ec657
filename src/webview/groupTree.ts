// the boxes the panel folds a graph into, from the trace's group table: a model's call per sample,
// its layers and neurons, a loss and its terms, a sum, each module's parameters. pure (no DOM).
//  - a module called once gets its parameters drawn inside that call (a neuron with its weights);
//    a module called for many samples keeps them in one "parameters" box that feeds every sample.
//  - five or more alike siblings (100 samples, 16 neurons, 100 terms) fold into one series box.
import type { Trace, TraceGroup } from "../engine/trace";
import type { TraceTensor } from "../engine/types";

export type BoxKind = TraceGroup["kind"] | "params" | "series" | "root" | "element";

export interface Box {
  /** index in GroupTree.boxes; 0 is the whole graph */
  key: number;
  kind: BoxKind;
  /** "MLP", "layer 2", "neuron 1", "mse", "term 3", "neuron ×16" */
  name: string;
  /** which sample this call of a model is, when the model ran on several */
  sample?: number;
  /** -1 for the whole graph */
  parent: number;
  /** child boxes, in the order their first value was made */
  boxes: number[];
  /** ids of the values directly inside, in topological order */
  values: number[];
  /** values inside, at any depth */
  size: number;
  /** values inside used by something outside (or the root): what flows out of the box */
  outputs: number[];
  /** the trace group this box draws, if it is one */
  group?: number;
  /** a tensor op's box (or a tensor made from numbers): drawn closed as the op with its shapes and numbers */
  tensor?: TraceTensor;
}

export interface GroupTree {
  boxes: Box[];
  /** the innermost box of every value */
  boxOf: Map<number, number>;
}

/** this many alike siblings or more fold into a series */
export const SERIES_MIN = 5;

export function groupTree(trace: Trace, seriesMin = SERIES_MIN): GroupTree {
  const groups = new Map(trace.groups.map((g) => [g.id, g]));
  // a module's parameters go into its only call, when it has exactly one in this graph
  const callsOf = new Map<number, TraceGroup[]>();
  for (const g of trace.groups)
    if (g.call !== null && g.owner !== undefined) (callsOf.get(g.owner) ?? callsOf.set(g.owner, []).get(g.owner)!).push(g);
  const home = (gid: number): number => {
    const g = groups.get(gid)!;
    if (g.call === null && g.owner === g.id) {
      const calls = callsOf.get(g.id);
      if (calls?.length === 1) return calls[0].id;
    }
    return gid;
  };
  // a call is named by its sample when its module ran several times and no enclosing call already says which sample
  const sampleOf = (g: TraceGroup): number | undefined => {
    if (g.call === null || g.owner === undefined || (callsOf.get(g.owner)?.length ?? 0) < 2) return undefined;
    for (let p = g.parent; p !== null; p = groups.get(p)!.parent) {
      const pg = groups.get(p)!;
      if (pg.call !== null && pg.owner !== undefined && (callsOf.get(pg.owner)?.length ?? 0) > 1) return undefined;
    }
    return g.call;
  };

  const boxes: Box[] = [{ key: 0, kind: "root", name: "", parent: -1, boxes: [], values: [], size: 0, outputs: [] }];
  const boxOfGroup = new Map<number, number>();
  const boxFor = (gid: number): number => {
    const known = boxOfGroup.get(gid);
    if (known !== undefined) return known;
    const g = groups.get(gid)!;
    const parent = g.parent === null ? 0 : boxFor(home(g.parent));
    const isParams = g.call === null && g.owner === g.id;
    const key = boxes.length;
    const topParams = isParams && (g.parent === null || groups.get(g.parent)!.owner !== groups.get(g.parent)!.id);
    const box: Box = {
      key,
      kind: isParams ? "params" : g.kind,
      name: topParams ? `${g.name} parameters` : g.name,
      parent,
      boxes: [],
      values: [],
      size: 0,
      outputs: [],
      group: g.id,
    };
    const sample = sampleOf(g);
    if (sample !== undefined) box.sample = sample;
    if (g.tensor) box.tensor = g.tensor;
    boxes.push(box);
    boxes[parent].boxes.push(key);
    boxOfGroup.set(gid, key);
    return key;
  };

  const boxOf = new Map<number, number>();
  for (const n of trace.nodes) {
    // the root (the loss) is always drawn as itself, at the right edge, whatever made it
    const key = n.group === undefined || n.id === trace.root ? 0 : boxFor(home(n.group));
    boxes[key].values.push(n.id);
    boxOf.set(n.id, key);
  }
  for (const b of boxes.slice()) if (b.tensor && b.tensor.values.length > 1 && b.values.length > ELEMENTS_FROM) byElement(boxes, b, boxOf);
  const first = new Map<number, number>();
  const firstOf = (k: number) => first.get(k) ?? first.set(k, firstValue(boxes, k)).get(k)!;
  for (const b of boxes) b.boxes.sort((x, y) => firstOf(x) - firstOf(y));

  foldSeries(boxes, seriesMin);
  countSizes(boxes, 0);
  findOutputs(trace, boxes, boxOf);
  return { boxes, boxOf };
}

/** a tensor op of several elements holding more values than this is opened element by element (a big matmul's sums) */
export const ELEMENTS_FROM = 100;

/**
 * a big tensor op's values, a box per output element: the element and the values made for it
 * since the element before (an op makes its elements one by one, ids increasing), so opening the
 * op shows its elements rather than every product of a matmul at once. a matrix's elements go in
 * a box per row ("row 3 › column 5"): a series of 1,600 elements would draw 1,600 boxes when opened,
 * 100 rows of 16 draw 100, then 16
 */
function byElement(boxes: Box[], b: Box, boxOf: Map<number, number>): void {
  const t = b.tensor!;
  const outputs = new Set(t.values);
  const values = b.values.slice().sort((x, y) => x - y);
  const chunks: number[][] = [];
  let chunk: number[] = [];
  for (const id of values) {
    chunk.push(id);
    if (!outputs.has(id)) continue;
    chunks.push(chunk);
    chunk = [];
  }
  // an element made in one value has no box of its own: such an op stays one box
  if (chunks.length !== t.values.length || chunks.some((c) => c.length === 1)) return;
  const rows = t.shape.length === 2 && t.shape[0] > 1 && t.shape[1] > 1 ? t.shape[0] : 1;
  const cols = t.values.length / rows;
  const make = (kind: BoxKind, name: string, parent: number, vals: number[]): number => {
    const key = boxes.length;
    boxes.push({ key, kind, name, parent, boxes: [], values: vals, size: 0, outputs: [] });
    boxes[parent].boxes.push(key);
    for (const v of vals) boxOf.set(v, key);
    return key;
  };
  for (let r = 0; r < rows; r++) {
    const home = rows > 1 ? make("element", `row ${r + 1}`, b.key, []) : b.key;
    for (let c = 0; c < cols; c++) make("element", rows > 1 ? `column ${c + 1}` : `element ${c + 1}`, home, chunks[r * cols + c]);
  }
  b.values = chunk;
}

/** position of a box's first value in the trace order, for ordering siblings (ids grow with creation) */
function firstValue(boxes: Box[], key: number): number {
  const b = boxes[key];
  let best = b.values.length ? b.values[0] : Infinity;
  for (const c of b.boxes) best = Math.min(best, firstValue(boxes, c));
  return best;
}

/** "neuron 12" and "neuron 3" are alike; so are the samples of one model, and "term 1".."term 100" */
function likeness(b: Box): string {
  const stem = b.sample !== undefined ? `${b.name} · sample` : b.name.replace(/\s*\d+$/, "");
  return `${b.kind}\u0000${stem}`;
}

function foldSeries(boxes: Box[], seriesMin: number): void {
  const n = boxes.length;
  for (let key = 0; key < n; key++) {
    const b = boxes[key];
    const buckets = new Map<string, number[]>();
    for (const c of b.boxes) (buckets.get(likeness(boxes[c])) ?? buckets.set(likeness(boxes[c]), []).get(likeness(boxes[c]))!).push(c);
    const kept: number[] = [];
    const folded = new Set<number>();
    for (const c of b.boxes) {
      if (folded.has(c)) continue;
      const members = buckets.get(likeness(boxes[c]))!;
      if (members.length < seriesMin) {
        kept.push(c);
        continue;
      }
      const first = boxes[members[0]];
      const stem = first.sample !== undefined ? `${first.name} · sample` : first.name.replace(/\s*\d+$/, "");
      const series: Box = {
        key: boxes.length,
        kind: "series",
        name: `${stem} ×${members.length}`,
        parent: key,
        boxes: members,
        values: [],
        size: 0,
        outputs: [],
      };
      boxes.push(series);
      for (const m of members) {
        boxes[m].parent = series.key;
        folded.add(m);
      }
      kept.push(series.key);
    }
    b.boxes = kept;
  }
}

function countSizes(boxes: Box[], key: number): number {
  const b = boxes[key];
  let size = b.values.length;
  for (const c of b.boxes) size += countSizes(boxes, c);
  b.size = size;
  return size;
}

/** a value is an output of every box that holds it but not all of its consumers (the root: of all its boxes) */
function findOutputs(trace: Trace, boxes: Box[], boxOf: Map<number, number>): void {
  const depth = new Int32Array(boxes.length);
  const depthOf = (k: number): number => (k <= 0 ? 0 : depth[k] || (depth[k] = depthOf(boxes[k].parent) + 1));
  const outs = boxes.map(() => new Set<number>());
  for (const n of trace.nodes) {
    const kv0 = boxOf.get(n.id)!;
    for (const c of n.children) {
      // climb from both ends to the box holding both; every box passed on c's side has c flowing out
      let kc = boxOf.get(c)!;
      let kv = kv0;
      while (kc !== kv) {
        if (depthOf(kc) >= depthOf(kv)) {
          outs[kc].add(c);
          kc = boxes[kc].parent;
        } else kv = boxes[kv].parent;
      }
    }
  }
  for (let k = boxOf.get(trace.root)!; k > 0; k = boxes[k].parent) outs[k].add(trace.root);
  boxes.forEach((b, k) => (b.outputs = [...outs[k]]));
}

/** the boxes from the top down to the innermost box of value id (series and the whole graph left out) */
export function pathOf(tree: GroupTree, id: number): number[] {
  const chain: number[] = [];
  for (let k = tree.boxOf.get(id) ?? 0; k > 0; k = tree.boxes[k].parent) if (tree.boxes[k].kind !== "series") chain.push(k);
  return chain.reverse();
}

/** where a value is, as words: "MLP › layer 2 › neuron 1, sample 3" */
export function describePath(tree: GroupTree, id: number): string {
  return describeBox(tree, tree.boxOf.get(id) ?? 0);
}

/** a box's place, as words, itself included */
export function describeBox(tree: GroupTree, key: number): string {
  const chain: Box[] = [];
  for (let k = key; k > 0; k = tree.boxes[k].parent) if (tree.boxes[k].kind !== "series") chain.unshift(tree.boxes[k]);
  const sample = chain.find((b) => b.sample !== undefined)?.sample;
  const words = chain.map((b) => b.name).join(" › ");
  return sample === undefined ? words : `${words}, sample ${sample}`;
}

/** what a box is called in the details and tooltips: "MLP · sample 3", "neuron 1" */
export function boxTitle(b: Box): string {
  return b.sample === undefined ? b.name : `${b.name} · sample ${b.sample}`;
}

/** the short name drawn on a box: "sample 3", "neuron 1", "sample ×100" */
export function boxLabel(b: Box): string {
  if (b.sample !== undefined) return `sample ${b.sample}`;
  return b.name.replace(/^.* · (sample ×\d+)$/, "$1");
}

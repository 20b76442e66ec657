// a left-to-right layered layout of a value/op graph, as micrograd's drawings: inputs on the left,
// the root on the right. pure (no DOM), so it is unit-tested and cheap to rerun.

export interface LayoutInput {
  /** value ids in topological order (children before parents) */
  ids: number[];
  /** children of each value, in order (empty for leaves) */
  children: Map<number, number[]>;
}

/** a column index per graph node: values and their op nodes ("op:ID") */
export interface Layout {
  /** column of each value; the op node of value v sits in column col(v) - 1 */
  column: Map<number, number>;
  /** vertical position of each value and op node (keyed "op:ID"), in units of one row */
  row: Map<number | string, number>;
  columns: number;
}

/**
 * columns: a value with an op sits two columns right of its deepest child (its op node between);
 * a leaf sits just left of its first consumer's op node, so constants and weights are drawn next
 * to where they are used instead of all stacked at the far left.
 * rows: order within a column by the mean row of the neighbours, a few sweeps each way.
 */
export function layout(input: LayoutInput): Layout {
  const { ids, children } = input;
  const column = new Map<number, number>();
  const parents = new Map<number, number[]>();
  for (const id of ids) {
    const kids = children.get(id) ?? [];
    for (const c of kids) {
      const list = parents.get(c);
      if (list) list.push(id);
      else parents.set(c, [id]);
    }
  }
  // values with ops: longest path from the leaves (leaves at 0 for now)
  for (const id of ids) {
    const kids = children.get(id) ?? [];
    let col = 0;
    for (const c of kids) col = Math.max(col, (column.get(c) ?? 0) + 2);
    column.set(id, col);
  }
  // leaves: pulled right next to their earliest consumer's op node
  for (const id of ids) {
    if ((children.get(id) ?? []).length > 0) continue;
    const ps = parents.get(id);
    if (!ps) continue;
    let first = Infinity;
    for (const p of ps) first = Math.min(first, column.get(p)!);
    column.set(id, Math.max(0, first - 2));
  }

  // the nodes of each column: values in col c, op nodes in col c-1
  const cols: (number | string)[][] = [];
  const put = (c: number, key: number | string) => (cols[c] ??= []).push(key);
  const colOf = (key: number | string) => (typeof key === "number" ? column.get(key)! : column.get(Number(key.slice(3)))! - 1);
  // initial order: depth-first from the roots, so siblings start together
  const seen = new Set<number>();
  const roots = ids.filter((id) => !parents.has(id));
  const stack = roots.slice().reverse();
  const order: number[] = [];
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    order.push(id);
    const kids = children.get(id) ?? [];
    for (let i = kids.length - 1; i >= 0; i--) if (!seen.has(kids[i])) stack.push(kids[i]);
  }
  for (const id of order) {
    put(column.get(id)!, id);
    if ((children.get(id) ?? []).length > 0) put(column.get(id)! - 1, `op:${id}`);
  }
  for (let c = 0; c < cols.length; c++) cols[c] ??= [];

  // neighbours across columns: value -> its op node -> its children
  const neighbours = new Map<number | string, (number | string)[]>();
  const link = (a: number | string, b: number | string) => {
    (neighbours.get(a) ?? neighbours.set(a, []).get(a)!).push(b);
    (neighbours.get(b) ?? neighbours.set(b, []).get(b)!).push(a);
  };
  for (const id of ids) {
    const kids = children.get(id) ?? [];
    if (kids.length === 0) continue;
    link(id, `op:${id}`);
    for (const c of kids) link(`op:${id}`, c);
  }

  const row = new Map<number | string, number>();
  const number = () => cols.forEach((col) => col.forEach((key, i) => row.set(key, i - (col.length - 1) / 2)));
  number();
  for (let sweep = 0; sweep < 4; sweep++) {
    const range = sweep % 2 === 0 ? cols.map((_, i) => i) : cols.map((_, i) => cols.length - 1 - i);
    for (const c of range) {
      const bary = new Map<number | string, number>();
      for (const key of cols[c]) {
        const ns = (neighbours.get(key) ?? []).filter((n) => colOf(n) !== c);
        bary.set(key, ns.length ? ns.reduce<number>((s, n) => s + row.get(n)!, 0) / ns.length : row.get(key)!);
      }
      cols[c].sort((a, b) => bary.get(a)! - bary.get(b)!);
      cols[c].forEach((key, i) => row.set(key, i - (cols[c].length - 1) / 2));
    }
  }
  // then slide each column's nodes toward their neighbours, keeping the order and one row apart
  for (let sweep = 0; sweep < 4; sweep++) {
    const range = sweep % 2 === 0 ? cols.map((_, i) => i) : cols.map((_, i) => cols.length - 1 - i);
    for (const c of range) {
      const col = cols[c];
      if (col.length === 0) continue;
      const want = col.map((key) => {
        const ns = (neighbours.get(key) ?? []).filter((n) => colOf(n) !== c);
        return ns.length ? ns.reduce<number>((s, n) => s + row.get(n)!, 0) / ns.length : row.get(key)!;
      });
      const placed: number[] = [];
      want.forEach((w, i) => placed.push(i === 0 ? w : Math.max(w, placed[i - 1] + 1)));
      const shift = want.reduce((s, w, i) => s + w - placed[i], 0) / col.length;
      // shifting up must not break the spacing: it is uniform, so it cannot
      col.forEach((key, i) => row.set(key, placed[i] + shift));
    }
  }
  return { column, row, columns: cols.length };
}

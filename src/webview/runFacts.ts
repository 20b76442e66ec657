// what the page works out once from a trace and never changes: its groups, its nodes by id, what each
// parent sent each value, the steps each box holds, the values table's rows. made once per trace
// (factsOf) and shared by the page's update functions and its views; the page's state is elsewhere.
import type { Trace, TraceNode } from "../engine/trace";
import { describeBox, groupTree, pathOf, type GroupTree } from "./groupTree";
import { opStops, type StepBoxes } from "./navigation";
import { Stepper } from "./stepper";
import { widestLines } from "./unitSize";
import { nameExpressions, nameOf } from "./names";
import { Shares } from "./contributions";
import type { TableRow } from "./valuesTable";
import { tensorRule, type TensorRule } from "./tensorRule";
import type { Box } from "./groupTree";

/** the range of steps inside a box, to show it done or under way */
export interface BoxSpan {
  first: number;
  last: number;
}

export class RunFacts {
  readonly tree: GroupTree;
  readonly nodes: Map<number, TraceNode>;
  /** what each parent sent each value (worked out on first use: the details and tooltips ask) */
  get shares(): Shares {
    return (this.sharesMade ??= new Shares(this.trace));
  }
  private sharesMade: Shares | undefined;
  readonly widest: (id: number) => number;
  readonly chains: StepBoxes;
  /** the steps each box holds, to show it done or under way */
  readonly spans = new Map<number, BoxSpan>();
  /** each value's place in its box's values, to tell which page of a long box it is on */
  readonly placeInBox = new Map<number, number>();
  /** which step each node with children is (its index in trace.steps) */
  readonly stepIndex: ReadonlyMap<number, number>;
  // the forward pass's facts are worked out when the Forward phase first asks for them: a big
  // graph's first draw (in the Backward phase) does not wait for them
  /** the forward pass: the values with an op, in the order the script computed them (ids increase) */
  get forwardOrder(): number[] {
    return (this.forwardOrderMade ??= this.trace.nodes
      .filter((n) => n.children.length > 0)
      .map((n) => n.id)
      .sort((a, b) => a - b));
  }
  private forwardOrderMade: number[] | undefined;
  /** each forward value's place in forwardOrder */
  get forwardIndex(): ReadonlyMap<number, number> {
    return this.forward().index;
  }
  /** per forward step, the boxes its value is in: step into / over / out move through the forward pass by these */
  get forwardChains(): StepBoxes {
    return this.forward().chains;
  }
  /** the forward steps each box holds */
  get forwardSpans(): ReadonlyMap<number, BoxSpan> {
    return this.forward().spans;
  }
  private forwardMade: { index: Map<number, number>; chains: StepBoxes; spans: Map<number, BoxSpan> } | undefined;
  /** whether the graph has tensor ops' boxes (without, Step and Back go a step at a time) */
  get hasTensors(): boolean {
    return (this.tensorsFound ??= this.tree.boxes.some((b) => b.tensor !== undefined));
  }
  private tensorsFound: boolean | undefined;
  /** whether box k is a tensor op's (tensors made from numbers have no steps) */
  readonly isTensorOp = (k: number): boolean => this.tree.boxes[k]?.tensor !== undefined;
  private stopsMade: { backward: number[]; forward: number[] } | undefined;
  private readonly stepper: Stepper;
  private tableRows: TableRow[] | undefined;

  constructor(readonly trace: Trace) {
    nameExpressions(trace);
    this.nodes = new Map(trace.nodes.map((n) => [n.id, n]));
    this.tree = groupTree(trace);
    this.stepper = new Stepper(trace);
    this.stepIndex = this.stepper.stepIndex;
    this.widest = widestLines(trace);
    this.chains = { chains: trace.steps.map((s) => this.chainOf(s.node)) };
    this.spanOver(
      this.spans,
      trace.steps.map((s) => s.node),
    );
    for (const b of this.tree.boxes) b.values.forEach((id, i) => this.placeInBox.set(id, i));
  }

  /** the boxes a value is in, innermost first: the same array for every value of a box */
  private chainOf(id: number): number[] {
    const k = this.tree.boxOf.get(id) ?? 0;
    return this.chainOfBox.get(k) ?? this.chainOfBox.set(k, pathOf(this.tree, id)).get(k)!;
  }
  private readonly chainOfBox = new Map<number, number[]>();

  /** each box's first and last place among `ids` (the steps, or the forward steps) */
  private spanOver(spans: Map<number, BoxSpan>, ids: readonly number[]): void {
    ids.forEach((id, i) => {
      for (let k = this.tree.boxOf.get(id) ?? 0; k > 0; k = this.tree.boxes[k].parent) {
        const span = spans.get(k);
        if (!span) spans.set(k, { first: i, last: i });
        else {
          span.first = Math.min(span.first, i);
          span.last = Math.max(span.last, i);
        }
      }
    });
  }

  private forward(): { index: Map<number, number>; chains: StepBoxes; spans: Map<number, BoxSpan> } {
    if (this.forwardMade) return this.forwardMade;
    const order = this.forwardOrder;
    const index = new Map<number, number>();
    order.forEach((id, i) => index.set(id, i));
    const spans = new Map<number, BoxSpan>();
    this.spanOver(spans, order);
    return (this.forwardMade = { index, chains: { chains: order.map((id) => this.chainOf(id)) }, spans });
  }

  /** where Step and Back stop, backward and forward: each tensor op whole (opStops), else every step */
  get stops(): { backward: number[]; forward: number[] } {
    return (this.stopsMade ??= {
      backward: opStops(this.chains, this.isTensorOp),
      forward: opStops(this.forwardChains, this.isTensorOp),
    });
  }

  get total(): number {
    return this.trace.steps.length;
  }

  /**
   * every grad at a position of the pass. the stepper is a cursor kept between calls so that a step
   * costs one step's updates; what it answers depends on `position` alone
   */
  at(position: number): Stepper {
    this.stepper.goTo(position);
    return this.stepper;
  }

  /** the value the pass is at: the step's node, or the root before the first step */
  focus(position: number): number {
    return position > 0 ? this.trace.steps[position - 1].node : this.trace.root;
  }

  /** whether a value is made by an op (has children), as the scene draws its op beside it */
  readonly hasOp = (id: number): boolean => this.nodes.get(id)!.children.length > 0;

  /** what reached a value in the pass: its step's upstream; a value without a step (a leaf), its grad */
  readonly upstreamOf = (id: number): number => {
    const si = this.stepIndex.get(id);
    return si === undefined ? this.nodes.get(id)!.grad : this.trace.steps[si].upstream;
  };

  /** a tensor op's backward rule with the pass's numbers (tensorRule.ts): the same at every step, so worked out once a box */
  ruleOf(b: Box): TensorRule | undefined {
    if (!this.rules.has(b.key)) this.rules.set(b.key, tensorRule(this, b, this.upstreamOf));
    return this.rules.get(b.key);
  }
  private readonly rules = new Map<number, TensorRule | undefined>();

  /** every box that holds a value, series included, innermost first */
  holding(id: number): number[] {
    const keys: number[] = [];
    for (let k = this.tree.boxOf.get(id) ?? 0; k > 0; k = this.tree.boxes[k].parent) keys.push(k);
    return keys;
  }

  /** the first value drawn inside a box (to show it when it opens) */
  firstIn(key: number): number {
    const b = this.tree.boxes[key];
    return b.values[0] ?? this.firstIn(b.boxes[0]);
  }

  /** the values table's rows: output first for a small graph; parameters first, by their neuron's path, for a grouped one */
  rows(): TableRow[] {
    this.tableRows ??= tableRows(this);
    return this.tableRows;
  }
}

const made = new WeakMap<Trace, RunFacts>();

/** the facts of a trace, worked out on first use */
export function factsOf(trace: Trace): RunFacts {
  let f = made.get(trace);
  if (!f) made.set(trace, (f = new RunFacts(trace)));
  return f;
}

function tableRows(f: RunFacts): TableRow[] {
  // a parameter is made in its module's parameters group (calls and parameters share the owner id)
  const paramGroups = new Set(f.trace.groups.filter((g) => g.call === null && g.owner === g.id).map((g) => g.id));
  const paths = new Map<number, string>();
  const rows = f.trace.nodes.map((n): TableRow => {
    const key = f.tree.boxOf.get(n.id) ?? 0;
    const path = paths.get(key) ?? paths.set(key, describeBox(f.tree, key)).get(key)!;
    return { id: n.id, name: nameOf(n), path, op: n.op, data: n.data, param: n.group !== undefined && paramGroups.has(n.group) };
  });
  if (f.tree.boxes.length === 1) return rows.reverse();
  const params = rows
    .filter((r) => r.param)
    .sort((a, b) => `${a.path} ${a.name}`.localeCompare(`${b.path} ${b.name}`, undefined, { numeric: true }));
  const rest = rows.filter((r) => !r.param).reverse();
  return params.concat(rest);
}

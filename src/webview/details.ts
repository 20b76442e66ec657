// the details pane: the chain rule of the current step, spelled out with its numbers, and where the
// step is in the network ("MLP › layer 2 › neuron 1, sample 3")
import { el } from "./dom";
import { fmt } from "./format";
import { describePath } from "./groupTree";
import type { RunFacts } from "./runFacts";
import type { Stepper } from "./stepper";
import type { TraceNode } from "../engine/trace";
import { nameOf } from "./names";
import { disagrees } from "../engine/numericCheck";
import { tensorForwardSection, tensorSection } from "./tensorDetails";

/** a name inside ∂a/∂b: in parentheses when it is an expression such as "x1*w1 + b" */
export function wrap(name: string): string {
  return /^[\w#.]+$/.test(name) ? name : `(${name})`;
}

export function renderDetails(pane: HTMLElement, facts: RunFacts, s: Stepper): void {
  const nodes = facts.nodes;
  const root = nodes.get(s.trace.root)!;
  const where = (id: number) => {
    const path = describePath(facts.tree, id);
    return path ? el("p", { class: "where", id: "where" }, el("span", { class: "muted" }, "in "), path) : "";
  };
  const step = s.current;
  if (!step) {
    pane.replaceChildren(
      el("h3", {}, "Start of the backward pass"),
      where(root.id),
      el("p", {}, `backward() seeds the root: ${nameOf(root)}.grad = ${fmt(s.grad(root.id))} (d ${nameOf(root)} / d ${nameOf(root)} = 1).`),
      el(
        "p",
        { class: "muted" },
        `Then each node, from ${nameOf(root)} back to the inputs, passes its grad to its children times the local derivative. Press Step.`,
      ),
    );
    return;
  }
  const node = nodes.get(step.node)!;
  const name = nameOf(node);
  const lines = step.updates.map((u, i) => {
    const child = nodes.get(u.child)!;
    // a value used more than once: its grad so far, share by share (once, under its last update here)
    const shares = facts.shares.of(u.child, s.position);
    const last = !step.updates.some((v, j) => j > i && v.child === u.child);
    const sum =
      shares.length > 1 && last
        ? el("div", { class: "muted shares" }, `its grad so far = ${facts.shares.sum(u.child, nodes, s.position)}`)
        : "";
    return el(
      "li",
      {},
      el("span", { class: "name" }, nameOf(child)),
      `: local ∂${wrap(name)}/∂${wrap(nameOf(child))} = ${fmt(u.local)}; grad ${fmt(u.before)} + ${fmt(u.local)} × ${fmt(step.upstream)} = `,
      el("strong", {}, fmt(u.after)),
      sum,
    );
  });
  const title = s.done ? `Step ${s.position} of ${s.total} (done)` : `Step ${s.position} of ${s.total}`;
  const done = s.done ? el("p", { class: "muted" }, "Every node has passed its grad on: these are the final grads.") : "";
  const check = s.done && s.trace.recorded ? numericSummary(facts) : "";
  // a tensor op's rule comes first when Step has just run the op whole, after its last scalar step else
  const op = tensorSection(facts, node.id);
  const opDone = op !== "" && facts.stops.backward.includes(s.position);
  pane.replaceChildren(
    el("h3", {}, title),
    where(node.id),
    opDone ? op : "",
    el(
      "p",
      {},
      el("span", { class: "name" }, name),
      ` = ${formula(
        node,
        node.children.map((c) => wrap(nameOf(nodes.get(c)!))),
      )} = ${fmt(node.data)}, its grad ${fmt(step.upstream)}`,
    ),
    heldBefore(node, step.upstream, s.grad(node.id)),
    el("p", { class: "muted" }, "Chain rule: child.grad += local derivative × grad of the node"),
    el("ul", { class: "updates" }, ...lines),
    opDone ? "" : op,
    done,
    check,
  );
}

/**
 * after backward() twice without zeroing, a node's .grad holds more than this pass sends it: say
 * which of the two the chain rule uses
 */
function heldBefore(node: TraceNode, upstream: number, grad: number): HTMLElement | "" {
  if (!node.gradBefore) return "";
  return el(
    "p",
    { class: "muted" },
    `Its .grad is ${fmt(grad)}: ${fmt(node.gradBefore)} held from before this backward() plus ${fmt(upstream)} from this pass. The chain rule passes on this pass's ${fmt(upstream)} only.`,
  );
}

/** each leaf's final grad against a finite difference of the root on this pass's values */
function numericSummary(facts: RunFacts): HTMLElement {
  const leaves = facts.trace.nodes.filter((n) => n.children.length === 0);
  const checked = leaves.filter((n) => n.numeric !== undefined);
  const intro = "Numeric check: each leaf's grad beside (f(x+h) − f(x−h)) / 2h, the root recomputed with the leaf nudged.";
  if (checked.length < leaves.length)
    return el("p", { class: "numeric muted" }, `${intro} Running… (${checked.length} of ${leaves.length} leaves)`);
  const off = checked.filter((n) => disagrees(n.grad, n.numeric!));
  const linear = checked.filter((n) => n.linearized).length;
  const parts: (HTMLElement | string)[] = [
    el(
      "p",
      { class: "numeric" },
      `${intro} `,
      el("strong", {}, off.length ? `${off.length} of ${leaves.length} differ.` : `All ${leaves.length} agree.`),
    ),
  ];
  if (off.length) {
    const shown = off
      .slice(0, 8)
      .map((n) => el("li", {}, el("span", { class: "name" }, nameOf(n)), `: grad ${fmt(n.grad, 8)}, numeric ${fmt(n.numeric!, 8)}`));
    parts.push(el("ul", { class: "updates" }, ...shown));
    if (off.length > shown.length) parts.push(el("p", { class: "muted" }, `… and ${off.length - shown.length} more`));
  }
  if (off.length && facts.trace.accumulated)
    parts.push(
      el(
        "p",
        { class: "muted" },
        "The grads accumulated across backward() calls (see above): each holds more than this pass's derivative.",
      ),
    );
  if (linear)
    parts.push(
      el(
        "p",
        { class: "muted" },
        `${linear} of them go through a hand-written op, linearised with its own locals: there the check agrees by construction.`,
      ),
    );
  return el("div", {}, ...parts);
}

const INFIX: Record<string, string> = { "+": "+", "-": "−", "*": "·", "/": "/" };

/** a value's formula, from what stands for each input (names, or numbers): "x1·w1 + b", "tanh(n)", "a**2" */
export function formula(n: TraceNode, inputs: readonly string[]): string {
  const sym = INFIX[n.op];
  if (sym !== undefined && inputs.length === 2) return `${inputs[0]} ${sym} ${inputs[1]}`;
  if (n.op.startsWith("**") && inputs.length === 1) return `${inputs[0]}${n.op}`;
  return `${n.op}(${inputs.join(", ")})`;
}

/**
 * a sum's terms as the lesson writes them: an input that is itself a sum named by its terms
 * ("x1*w1 + x2*w2") is written out, so n = x1*w1 + x2*w2 + b, not (x1*w1 + x2*w2) + b
 */
export function sumTerms(n: TraceNode, nodes: ReadonlyMap<number, TraceNode>, most = 6): TraceNode[] | undefined {
  let terms: TraceNode[] = n.children.map((c) => nodes.get(c)!);
  for (;;) {
    const i = terms.findIndex((k) => k.op === "+" && k.children.length === 2 && nameOf(k).includes(" + "));
    if (i < 0) return terms.length > 2 ? terms : undefined;
    if (terms.length + 1 > most) return undefined; // a long sum: its direct inputs read better
    terms = [...terms.slice(0, i), ...terms[i].children.map((c) => nodes.get(c)!), ...terms.slice(i + 1)];
  }
}

/** the forward pass after `fstep` values: the one computed last, its formula with names and with numbers */
export function renderForward(pane: HTMLElement, facts: RunFacts, fstep: number): void {
  const nodes = facts.nodes;
  const total = facts.forwardOrder.length;
  const root = nodes.get(facts.trace.root)!;
  if (fstep === 0) {
    pane.replaceChildren(
      el("h3", {}, "Start of the forward pass"),
      el(
        "p",
        {},
        `The inputs and parameters (dashed) hold their data. Each other value is computed from its inputs, in the order the script computed them, up to ${nameOf(root)}. Press Step.`,
      ),
    );
    return;
  }
  const n = nodes.get(facts.forwardOrder[fstep - 1])!;
  const terms = n.op === "+" ? sumTerms(n, nodes) : undefined; // undefined: not a sum written out
  const kids = n.children.map((c) => nodes.get(c)!);
  const byName = terms
    ? terms.map((t) => (/^[\w#.*]+$/.test(nameOf(t)) ? nameOf(t) : `(${nameOf(t)})`)).join(" + ")
    : formula(
        n,
        kids.map((k) => wrap(nameOf(k))),
      );
  const byNumber = terms
    ? terms.map((t, i) => (t.data < 0 && i > 0 ? `(${fmt(t.data)})` : fmt(t.data))).join(" + ")
    : formula(
        n,
        // a negative number in parentheses where an operator stands before it: 2 · (-3), (-2)**2, tanh(-2)
        kids.map((k) => (k.data < 0 && (INFIX[n.op] !== undefined || n.op.startsWith("**")) ? `(${fmt(k.data)})` : fmt(k.data))),
      );
  const path = describePath(facts.tree, n.id);
  const done = fstep === total;
  pane.replaceChildren(
    el("h3", {}, `Forward ${fstep} of ${total}${done ? " (done)" : ""}`),
    path ? el("p", { class: "where", id: "where" }, el("span", { class: "muted" }, "in "), path) : "",
    el(
      "p",
      { class: "formula", id: "formula" },
      el("span", { class: "name" }, nameOf(n)),
      ` = ${byName} = ${byNumber} = `,
      el("strong", {}, fmt(n.data)),
    ),
    n.custom ? el("p", { class: "muted" }, `${n.op} is a hand-written op: the script gave its value (and its local derivatives).`) : "",
    tensorForwardSection(facts, n.id, (id) => (facts.forwardIndex.get(id) ?? -1) < fstep),
    done
      ? el(
          "p",
          { class: "muted" },
          `Every value is computed: ${nameOf(root)} = ${fmt(root.data)}. Next, the backward pass sends its grad back to the inputs.`,
        )
      : el("p", { class: "muted" }, "Values not computed yet show data ?; no value has a grad until the backward pass."),
  );
}

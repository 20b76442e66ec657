// the details pane: the chain rule of the current step, spelled out with its numbers, and where the
// step is in the network ("MLP › layer 2 › neuron 1, sample 3")
import { el } from "./dom";
import { fmt } from "./format";
import { describePath } from "./groupTree";
import type { Session } from "./session";
import { nameOf } from "./unitSize";

/** a name inside ∂a/∂b: in parentheses when it is an expression such as "x1*w1 + b" */
export function wrap(name: string): string {
  return /^[\w#.]+$/.test(name) ? name : `(${name})`;
}

export function renderDetails(pane: HTMLElement, session: Session): void {
  const s = session.stepper;
  const nodes = session.nodes;
  const root = nodes.get(s.trace.root)!;
  const where = (id: number) => {
    const path = describePath(session.tree, id);
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
  const lines = step.updates.map((u) => {
    const child = nodes.get(u.child)!;
    return el(
      "li",
      {},
      el("span", { class: "name" }, nameOf(child)),
      `: local ∂${wrap(name)}/∂${wrap(nameOf(child))} = ${fmt(u.local)}; grad ${fmt(u.before)} + ${fmt(u.local)} × ${fmt(step.upstream)} = `,
      el("strong", {}, fmt(u.after)),
    );
  });
  const title = s.done ? `Step ${s.position} of ${s.total} (done)` : `Step ${s.position} of ${s.total}`;
  const done = s.done ? el("p", { class: "muted" }, "Every node has passed its grad on: these are the final grads.") : "";
  pane.replaceChildren(
    el("h3", {}, title),
    where(node.id),
    el(
      "p",
      {},
      el("span", { class: "name" }, name),
      ` = ${node.op}(${node.children.map((c) => nameOf(nodes.get(c)!)).join(", ")}) = ${fmt(node.data)}, its grad ${fmt(step.upstream)}`,
    ),
    el("p", { class: "muted" }, "Chain rule: child.grad += local derivative × grad of the node"),
    el("ul", { class: "updates" }, ...lines),
    done,
  );
}

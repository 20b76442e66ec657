// which part of the script is building values right now. every value records the group it was made
// in, so the panel can fold a big graph into what the script means: a model's call on one sample,
// its layers and neurons, a loss and its terms, a sum; and, apart from the calls, each module's own
// parameters. groups nest (a neuron's call inside its layer's call inside the model's call).
// a tensor op (tensor/) is a group too, of the scalar values it makes, with a record of the op.

import type { TensorRecord } from "./tensor/record";

/** what made a group: a module (its parameters, or one call of it), a helper, or the script's own withGroup */
export type GroupKind = "model" | "layer" | "neuron" | "loss" | "term" | "sum" | "mean" | "group" | "tensor";

let nextGroupId = 1;
/** a tensor op has made a group in this process */
let tensorGroups = false;

/** @internal primeEngine's: the next group is id 1 again */
export function restartGroupIds(): void {
  nextGroupId = 1;
}

/** whether any tensor op has run in this process: until one has, no graph needs a look for tensor groups (topo.ts) */
export function tensorOpsMade(): boolean {
  return tensorGroups;
}

export class Group {
  /** increasing, never reused in a process */
  readonly id: number;
  /** a tensor op's group (kind "tensor"): the op, its inputs and its output tensor; null for others */
  tensor: TensorRecord | null = null;

  constructor(
    readonly kind: GroupKind,
    /** what the panel calls it: "MLP", "layer 2", "neuron 1", "mse", "term 3" */
    readonly name: string,
    readonly parent: Group | null,
    /** the module whose parameters or call this is (null for a helper's group) */
    readonly owner: ModuleScope | null,
    /** 1, 2, … for the owner's calls (in the process); null for the owner's parameters or a helper */
    readonly call: number | null,
  ) {
    this.id = nextGroupId++;
    if (kind === "tensor") tensorGroups = true;
  }

  /** the module path of the values made here ("MLP/L1/N2"), or undefined outside any module */
  get path(): string | undefined {
    return this.owner !== null ? this.owner.path : (this.parent?.path ?? undefined);
  }
}

/** what a module keeps to tag what it makes: its path, its parameters' group, and its calls so far */
export class ModuleScope {
  /** where the module's parameters are made (a child of the enclosing module's parameters) */
  readonly params: Group;
  private calls = 0;

  constructor(
    readonly kind: GroupKind,
    readonly name: string,
    /** "MLP/L1/N2": module paths of the values made in it */
    readonly path: string,
  ) {
    this.params = new Group(kind, name, current, this, null);
  }

  /** run fn as one call of the module: its values go in a new group */
  call<T>(fn: () => T): T {
    return withGroup(new Group(this.kind, this.name, current, this, ++this.calls), fn);
  }

  /** run fn with the values it makes (parameters, sub-modules) in the module's parameters group */
  define<T>(fn: () => T): T {
    return withGroup(this.params, fn);
  }
}

let current: Group | null = null;

/** the group new values go in, or null outside any */
export function currentGroup(): Group | null {
  return current;
}

/** run fn with every value it creates in group g; nests, and restores on throw */
export function withGroup<T>(g: Group, fn: () => T): T {
  const prev = current;
  current = g;
  try {
    return fn();
  } finally {
    current = prev;
  }
}

/** run fn in a new helper group (a loss, a sum, a term of a loss) inside the current one */
export function inGroup<T>(kind: GroupKind, name: string, fn: () => T): T {
  return withGroup(new Group(kind, name, current, null, null), fn);
}

/**
 * run fn with the values it makes grouped under name in the panel (a script's own block, such as
 * "attention" or "step 3"); path nests with "/" as module paths do ("M/inner")
 */
export function withModule<T>(path: string, fn: () => T): T {
  const name = path.slice(path.lastIndexOf("/") + 1);
  return new ModuleScope("group", name, path).call(fn);
}

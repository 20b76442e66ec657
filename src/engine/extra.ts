// what a few values carry beyond the fields every value has: a creation place (the runner gives
// one to the first values of a run), pow's exponent or a hand-written op's record. they share one
// field of the value with its group (value.ts `_at`): the group alone for most values, a record of
// these for the few, so every value is two fields smaller, and a training loop's graph that much
// less for the garbage collector to copy.

import type { Group } from "./group";
import type { ManualOp, PowExponent, SourceLoc } from "./types";

export class Extra {
  constructor(
    readonly group: Group | null,
    readonly loc: SourceLoc | undefined,
    readonly ext: PowExponent | ManualOp | null,
  ) {}
}

/** a value's group, or its group with what else it carries */
export type At = Group | Extra | null;

// the values made one after another in one group at one place share one record (a model's call
// makes hundreds); dropped as soon as a value has no place, so it keeps no group alive for long
let last: Extra | null = null;

/** what a value made in group at loc keeps: the group itself, unless it has a place */
export function atOf(group: Group | null, loc: SourceLoc | undefined): At {
  if (loc === undefined) {
    last = null;
    return group;
  }
  if (last === null || last.group !== group || last.loc !== loc) last = new Extra(group, loc, null);
  return last;
}

/** `at` with its group replaced */
export function atWithGroup(at: At, group: Group | null): At {
  return at instanceof Extra ? new Extra(group, at.loc, at.ext) : group;
}

/** `at` with its place replaced */
export function atWithLoc(at: At, loc: SourceLoc | undefined): At {
  if (at instanceof Extra) return loc === undefined && at.ext === null ? at.group : new Extra(at.group, loc, at.ext);
  return loc === undefined ? at : new Extra(at, loc, null);
}

/** `at` with its op record replaced */
export function atWithExt(at: At, ext: PowExponent | ManualOp | null): At {
  if (at instanceof Extra) return ext === null && at.loc === undefined ? at.group : new Extra(at.group, at.loc, ext);
  return ext === null ? at : new Extra(at, undefined, ext);
}

// where new values come from. the engine cannot know the user's source lines (it is pure); the
// runner installs a locator that can. with none installed a value costs one null check.
import type { Group } from "./group";
import type { SourceLoc } from "./types";

/** the runner's: where values come from */
export interface Locator {
  /** the creation place of a value being made in `group` (its group, null outside any) */
  place(group: Group | null): SourceLoc | undefined;
}

let locator: Locator | null = null;

/** the runner's hook, called once per new value; null to stop */
export function setLocator(l: Locator | null): void {
  locator = l;
}

/** @internal the creation place of a value being constructed in `group` */
export function locate(group: Group | null): SourceLoc | undefined {
  return locator === null ? undefined : locator.place(group);
}

/** runs fn with no creation places asked for: the values it makes are not the script's graph (a picture's) */
export function unlocated<T>(fn: () => T): T {
  const saved = locator;
  locator = null;
  try {
    return fn();
  } finally {
    locator = saved;
  }
}

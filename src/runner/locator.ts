// the line of the user's script that created each value: a structured stack capture (no string
// formatting) mapped through the bundle's source map. a capture costs a few microseconds, so only
// the first LOCATE_LIMIT values of a run get one; the panel says when the rest have none.
import { findSourceMap } from "node:module";
import { fileURLToPath } from "node:url";
import type { Locator } from "../engine/origin";
import type { SourceLoc } from "../engine/value";

export const LOCATE_LIMIT = 20_000;

export interface LocatorState {
  locator: Locator;
  /** how many values asked for a place: past LOCATE_LIMIT they got none */
  readonly asked: number;
}

const asSites = (_: Error, sites: NodeJS.CallSite[]) => sites;

/** places in `entry` (or the files it imports) for values made by code in `bundleFile` */
export function makeLocator(bundleFile: string, entry: string): LocatorState {
  const state = { asked: 0, locator: (): SourceLoc | undefined => undefined };
  // node reads the bundle's source map when it compiles the bundle, before the first value exists
  let map: ReturnType<typeof findSourceMap>;
  const files = new Map<string, string>();
  const fileOf = (source: string) => {
    let f = files.get(source);
    if (f === undefined) {
      f = source.startsWith("file:") ? fileURLToPath(source) : source;
      files.set(source, f);
    }
    return f;
  };
  state.locator = () => {
    if (++state.asked > LOCATE_LIMIT) return undefined;
    const prepare = Error.prepareStackTrace;
    const limit = Error.stackTraceLimit;
    Error.prepareStackTrace = asSites;
    Error.stackTraceLimit = 12;
    const holder: { stack?: unknown } = {};
    Error.captureStackTrace(holder, state.locator);
    const sites = holder.stack as NodeJS.CallSite[];
    Error.prepareStackTrace = prepare;
    Error.stackTraceLimit = limit;
    // the innermost frame in the user's bundle: the engine itself lives in the worker's file
    map ??= findSourceMap(bundleFile);
    if (!map) return undefined;
    for (const site of sites) {
      if (site.getFileName() !== bundleFile) continue;
      const entryAt = map.findEntry(site.getLineNumber()! - 1, site.getColumnNumber()! - 1) as {
        originalSource?: string;
        originalLine?: number;
        originalColumn?: number;
      };
      if (entryAt.originalSource === undefined || entryAt.originalLine === undefined) return undefined;
      const file = fileOf(entryAt.originalSource);
      const loc: SourceLoc = { line: entryAt.originalLine + 1, column: (entryAt.originalColumn ?? 0) + 1 };
      if (file !== entry) loc.file = file;
      return loc;
    }
    return undefined;
  };
  return state;
}

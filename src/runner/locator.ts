// the line of the user's script that created each value: a structured stack capture (no string
// formatting) mapped through the source map node keeps for each of the user's files. a capture costs a few microseconds, so only
// the first LOCATE_LIMIT values of a run get one; the panel says when the rest have none.
import { findSourceMap } from "node:module";
import { fileURLToPath } from "node:url";
import { setLocator, type Locator } from "../engine/origin";
import type { SourceLoc } from "../engine/value";

export const LOCATE_LIMIT = 20_000;

export interface LocatorState {
  locator: Locator;
  /** how many values asked for a place: past LOCATE_LIMIT they got none */
  readonly asked: number;
}

const asSites = (_: Error, sites: NodeJS.CallSite[]) => sites;

/** places in `entry` (or the files it imports, `userFiles` as they load) for the values they make */
export function makeLocator(userFiles: ReadonlySet<string>, entry: string): LocatorState {
  const state = { asked: 0, locator: (): SourceLoc | undefined => undefined };
  // node reads a file's source map when it compiles the file, before the file makes a value
  const maps = new Map<string, ReturnType<typeof findSourceMap>>();
  const mapOf = (file: string) => {
    if (!maps.has(file)) maps.set(file, findSourceMap(file));
    return maps.get(file);
  };
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
    if (++state.asked > LOCATE_LIMIT) {
      // past the limit the engine stops asking: a value then costs one null check
      setLocator(null);
      return undefined;
    }
    const prepare = Error.prepareStackTrace;
    const limit = Error.stackTraceLimit;
    Error.prepareStackTrace = asSites;
    Error.stackTraceLimit = 12;
    const holder: { stack?: unknown } = {};
    Error.captureStackTrace(holder, state.locator);
    const sites = holder.stack as NodeJS.CallSite[];
    Error.prepareStackTrace = prepare;
    Error.stackTraceLimit = limit;
    // the innermost frame in the user's files: the engine itself lives in the worker's file
    for (const site of sites) {
      const name = site.getFileName();
      if (!name || !userFiles.has(name)) continue;
      const map = mapOf(name);
      if (!map) {
        // a .js file of the user's runs as written: its own line and column
        const loc: SourceLoc = { line: site.getLineNumber()!, column: site.getColumnNumber()! };
        if (name !== entry) loc.file = name;
        return loc;
      }
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

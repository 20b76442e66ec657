// the line of the user's script that created each value: a structured stack capture (no string
// formatting) mapped through the source map node keeps for each of the user's files. a capture costs
// several microseconds, many times what making the value costs, so captures are few:
// - a value made inside the engine's own code (a module's call, a loss, a sum: a group of one of
//   ENGINE_KINDS, no script code runs in it) is made at the script's call into that code: one
//   capture for the outermost such group (model.forward(x) on one sample) serves the hundreds of
//   values made inside it, and reaches as deep as that call is;
// - a value the script makes itself (a.mul(b), new Value(2)) gets a capture of its own;
// - only the first LOCATE_LIMIT values of a run get a place; the panel says when the rest have none.
// a place is one shared object per place in the code.
import { findSourceMap } from "node:module";
import { fileURLToPath } from "node:url";
import { setLocator, type Locator } from "../engine/origin";
import type { Group, GroupKind } from "../engine/group";
import type { SourceLoc } from "../engine/value";

const LOCATE_LIMIT = 20_000;

/** groups whose values the engine's own code makes: "group" (withModule, the script's own code inside) and tensor ops are not */
const ENGINE_KINDS: ReadonlySet<GroupKind> = new Set<GroupKind>(["model", "layer", "neuron", "loss", "term", "sum", "mean"]);
/** frames a value the script makes itself is looked for in: its line is a few calls up */
const OWN_FRAMES = 12;
/**
 * ...and first in these: most are this near (a.mul(b): locate, the value's constructor, the op, mul,
 * the script's line), and a capture costs by the frame, more so in the baseline code the worker
 * runs (a script's own 60,000 values in the long sum: 531 -> 360 ms, medians of 6 runs)
 */
const NEAR_FRAMES = 5;
/** frames the script's call into the engine is looked for in: below the nested calls of a model's layers and neurons */
const ENGINE_FRAMES = 100;

const asSites = (_: Error, sites: NodeJS.CallSite[]) => sites;

/** the outermost group of the engine's own code that `g` (one of them) is in */
function entryOf(g: Group): Group {
  let e = g;
  while (e.parent !== null && ENGINE_KINDS.has(e.parent.kind)) e = e.parent;
  return e;
}

/**
 * places in `entry` (or the files it imports, `userFiles` as they load) for the values they make.
 * a class, so that every run's locator is one method to v8: the engine's hot code inlines it, and
 * the run's locator after a waiting worker's warm-up (warm.ts) keeps that code (a closure per
 * locator was a new call target each time: v8 threw away the compiled constructor and ops mid-step)
 */
export class ScriptLocator implements Locator {
  /** how many values asked for a place: past `limit` they got none */
  asked = 0;
  // node reads a file's source map when it compiles the file, before the file makes a value
  private readonly maps = new Map<string, ReturnType<typeof findSourceMap>>();
  private readonly files = new Map<string, string>();
  // the place of each position met in the code node runs, by file: line * 2^20 + column
  private readonly places = new Map<string, Map<number, SourceLoc | undefined>>();
  // the group of the value before, its outermost engine group, and their place
  private lastGroup: Group | null = null;
  private lastEntry: Group | null = null;
  private lastPlace: SourceLoc | undefined = undefined;

  constructor(
    private readonly userFiles: ReadonlySet<string>,
    private readonly entry: string,
    readonly limit = LOCATE_LIMIT,
  ) {}

  place(group: Group | null): SourceLoc | undefined {
    if (++this.asked > this.limit) {
      // past the limit the engine stops asking: a value then costs one null check
      setLocator(null);
      return undefined;
    }
    if (group !== null && group === this.lastGroup) return this.lastPlace;
    if (group === null || !ENGINE_KINDS.has(group.kind)) return this.capture(NEAR_FRAMES) ?? this.capture(OWN_FRAMES);
    // a group the engine made: the outermost one's place, found once; a group object is not
    // entered again, so a new one is a new call of the script's
    const e = entryOf(group);
    if (e !== this.lastEntry) {
      this.lastEntry = e;
      this.lastPlace = this.capture(ENGINE_FRAMES);
    }
    this.lastGroup = group;
    return this.lastPlace;
  }

  /** the innermost frame in the user's files, within `frames` of the value's making (the engine itself lives in the worker's file) */
  private capture(frames: number): SourceLoc | undefined {
    const prepare = Error.prepareStackTrace;
    const limit = Error.stackTraceLimit;
    Error.prepareStackTrace = asSites;
    Error.stackTraceLimit = frames;
    const holder: { stack?: unknown } = {};
    // from the frame below place(): locate(), the value's constructor, …
    Error.captureStackTrace(holder, ScriptLocator.prototype.place);
    const sites = holder.stack as NodeJS.CallSite[];
    Error.prepareStackTrace = prepare;
    Error.stackTraceLimit = limit;
    for (const site of sites) {
      const name = site.getFileName();
      if (name && this.userFiles.has(name)) return this.placeOf(name, site.getLineNumber()!, site.getColumnNumber()!);
    }
    return undefined;
  }

  private placeOf(name: string, line: number, column: number): SourceLoc | undefined {
    let known = this.places.get(name);
    if (known === undefined) this.places.set(name, (known = new Map()));
    const key = line * 1048576 + column;
    if (known.has(key)) return known.get(key);
    const place = this.mapped(name, line, column);
    known.set(key, place);
    return place;
  }

  private mapped(name: string, line: number, column: number): SourceLoc | undefined {
    const map = this.mapOf(name);
    if (!map) {
      // a .js file of the user's runs as written: its own line and column
      const loc: SourceLoc = { line, column };
      if (name !== this.entry) loc.file = name;
      return loc;
    }
    const entryAt = map.findEntry(line - 1, column - 1) as { originalSource?: string; originalLine?: number; originalColumn?: number };
    if (entryAt.originalSource === undefined || entryAt.originalLine === undefined) return undefined;
    const file = this.fileOf(entryAt.originalSource);
    const loc: SourceLoc = { line: entryAt.originalLine + 1, column: (entryAt.originalColumn ?? 0) + 1 };
    if (file !== this.entry) loc.file = file;
    return loc;
  }

  private mapOf(file: string): ReturnType<typeof findSourceMap> {
    if (!this.maps.has(file)) this.maps.set(file, findSourceMap(file));
    return this.maps.get(file);
  }

  private fileOf(source: string): string {
    let f = this.files.get(source);
    if (f === undefined) {
      f = source.startsWith("file:") ? fileURLToPath(source) : source;
      this.files.set(source, f);
    }
    return f;
  }
}

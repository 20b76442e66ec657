// turns whatever a user script threw into a ScriptError that points at the user's own line.
// node has already source-mapped the stack (process.setSourceMapsEnabled), so frames name .ts files.
// a thrown value is the script's own and may fight back (a toString, a getter or a proxy trap that
// throws): every question asked of it here is allowed to fail.
import { inspect } from "node:util";
import type { ScriptError, SourcePos } from "../shared/protocol";

// "    at fn (/a/b.ts:12:5)" or "    at /a/b.ts:12:5"
const FRAME = /^\s*at (?:.*? \()?(?:file:\/\/)?(.+?):(\d+):(\d+)\)?$/;

/** the frames of `stack` that lie in `files`, innermost first */
export function userFrames(stack: string, files: ReadonlySet<string>): SourcePos[] {
  const frames: SourcePos[] = [];
  for (const line of stack.split("\n")) {
    const m = FRAME.exec(line);
    if (m && files.has(m[1])) frames.push({ file: m[1], line: Number(m[2]), column: Number(m[3]) });
  }
  return frames;
}

/** what `read` gives, or undefined when asking throws */
function attempt<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

const isError = (thrown: unknown) => attempt(() => thrown instanceof Error) === true;

/** the first of the ways to show a thrown value that gives a string */
function shown(thrown: unknown): string {
  if (typeof thrown === "string") return thrown;
  const ways = [
    () => JSON.stringify(thrown),
    () => String(thrown),
    () => inspect(thrown, { customInspect: false, depth: 1, breakLength: Infinity }),
    () => Object.prototype.toString.call(thrown),
  ];
  for (const way of ways) {
    const text = attempt(way);
    if (typeof text === "string") return text;
  }
  return "(a value that could not be shown)";
}

/** the message of a thrown value, whatever it is (scripts may throw strings or objects) */
export function messageOf(thrown: unknown): string {
  if (isError(thrown)) {
    const e = thrown as Error;
    const name = attempt(() => String(e.name));
    const message = attempt(() => String(e.message));
    if (name !== undefined && message !== undefined) return `${name}: ${message}`;
  }
  return `Uncaught ${shown(thrown)}`;
}

/** an Error's stack, when it has one that reads as text */
export function stackOf(thrown: unknown): string {
  if (!isError(thrown)) return "";
  const stack = attempt(() => (thrown as Error).stack);
  return typeof stack === "string" ? stack : "";
}

/**
 * `seen`: the user's frames where the debugger saw the throw, for a thrown value with no stack (a
 * string, an object) or an Error whose stack names none of the user's files
 */
export function errorFromThrown(thrown: unknown, inputs: readonly string[], entry: string, seen: SourcePos[] = []): ScriptError {
  const frames = userFrames(stackOf(thrown), new Set(inputs));
  const where = frames.length ? frames : seen;
  return {
    kind: "runtime",
    message: messageOf(thrown),
    pos: where[0] ?? { file: entry, line: 1, column: 1 },
    stack: where,
  };
}

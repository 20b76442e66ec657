// turns whatever a user script threw into a ScriptError that points at the user's own line.
// node has already source-mapped the stack (process.setSourceMapsEnabled), so frames name .ts files.
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

/** the message of a thrown value, whatever it is (scripts may throw strings or objects) */
function messageOf(thrown: unknown): string {
  if (thrown instanceof Error) return `${thrown.name}: ${thrown.message}`;
  try {
    return `Uncaught ${typeof thrown === "string" ? thrown : JSON.stringify(thrown)}`;
  } catch {
    return `Uncaught ${String(thrown)}`;
  }
}

/**
 * `seen`: the user's frames where the debugger saw the throw, for a thrown value with no stack (a
 * string, an object) or an Error whose stack names none of the user's files
 */
export function errorFromThrown(thrown: unknown, inputs: readonly string[], entry: string, seen: SourcePos[] = []): ScriptError {
  const stack = thrown instanceof Error && typeof thrown.stack === "string" ? thrown.stack : "";
  const frames = userFrames(stack, new Set(inputs));
  const where = frames.length ? frames : seen;
  return {
    kind: "runtime",
    message: messageOf(thrown),
    pos: where[0] ?? { file: entry, line: 1, column: 1 },
    stack: where,
  };
}

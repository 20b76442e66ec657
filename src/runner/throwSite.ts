// where the script's uncaught throw happened, as v8's debugger saw it. a thrown string or object
// has no stack, and a script may replace Error.prepareStackTrace so that an Error's stack names no
// file; the debugger knows the place either way. it pauses only on a throw nothing catches (v8
// predicts that at the throw), so a running script pays nothing.
import * as inspector from "node:inspector";
import { fileURLToPath } from "node:url";

/** a frame of the throw, in the generated code of a file (0-based, as v8 counts) */
export interface ThrowFrame {
  file: string;
  line: number;
  column: number;
}

export interface ThrowSites {
  /** the frames of the last uncaught throw, innermost first */
  last(): ThrowFrame[];
}

export function watchThrows(): ThrowSites {
  let frames: ThrowFrame[] = [];
  try {
    const session = new inspector.Session();
    session.connect();
    const urls = new Map<string, string>();
    session.on("Debugger.scriptParsed", (m) => urls.set(m.params.scriptId, m.params.url));
    session.on("Debugger.paused", (m) => {
      const { reason, callFrames } = m.params;
      if (reason === "exception" || reason === "promiseRejection") {
        frames = callFrames.map((f) => ({
          file: fileOf(urls.get(f.location.scriptId) ?? f.url),
          line: f.location.lineNumber,
          column: f.location.columnNumber ?? 0,
        }));
      }
      session.post("Debugger.resume");
    });
    session.post("Debugger.enable");
    session.post("Debugger.setPauseOnExceptions", { state: "uncaught" });
  } catch {
    // no inspector in this build of node: throws fall back to their stacks
  }
  return { last: () => frames };
}

const fileOf = (url: string) => (url.startsWith("file:") ? fileURLToPath(url) : url);

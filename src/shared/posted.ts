// a host -> page message as the panel's page gets it (Posted): the message as JSON, and a result's
// trace as columns beside it (a small JSON of their sizes and texts, and one buffer of numbers),
// rather than inside the JSON. the extension's panel and the render bench's harness both send this.
import { toJson } from "../engine/json";
import type { Posted, RunResult, ToWebview } from "./protocol";

/** the message as the page gets it: a result's trace as columns goes beside the JSON, as a buffer */
export function postedOf(msg: ToWebview, result: RunResult | undefined): Posted {
  const columns = result?.columns;
  if (!columns) return { json: toJson(msg) };
  // the result's trace is not enumerable (runScript.ts): it is not sent twice
  const { buffer, ...small } = columns;
  return { json: toJson({ ...msg, result: { ...result, columns: undefined } }), columns: toJson(small), buffer };
}

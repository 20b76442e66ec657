// json that stays valid when numbers are not finite. JSON has no NaN or Infinity (JSON.stringify
// silently writes null), so they travel as the strings "NaN", "Infinity" and "-Infinity", and
// fromJson turns those strings back into numbers, but only in fields known to hold numbers
// (a label "NaN" stays a string). -0 is written as 0, as JSON.stringify does.

/** fields of traces and grad checks that hold a number, an array of numbers, or an object of numbers by name (metrics) */
export const NUMERIC_KEYS: ReadonlySet<string> = new Set([
  "data",
  "grad",
  "gradBefore",
  "local",
  "locals",
  "before",
  "after",
  "upstream",
  "analytic",
  "numeric",
  "relError",
  "absError",
  "value",
  // the update after a call (Trace.update), the numbers a script tracked per call, a decision grid
  "lr",
  "momentum",
  "velocity",
  "beta1",
  "beta2",
  "eps",
  "m",
  "v",
  "mHat",
  "vHat",
  "step",
  "metrics",
  "values",
]);

/** JSON.stringify, with NaN and ±Infinity written as strings */
export function toJson(value: unknown, indent?: number | string): string {
  return JSON.stringify(value, encodeNumber, indent);
}

function encodeNumber(_key: string, v: unknown): unknown {
  if (typeof v === "number" && !Number.isFinite(v)) return Number.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
  return v;
}

/** "NaN" / "Infinity" / "-Infinity" back to numbers; anything else unchanged */
export function reviveNumber(v: unknown): unknown {
  if (v === "NaN") return NaN;
  if (v === "Infinity") return Infinity;
  if (v === "-Infinity") return -Infinity;
  return v;
}

/** JSON.parse that undoes toJson's encoding in the fields named by numericKeys (and arrays under them) */
export function fromJson<T = unknown>(text: string, numericKeys: ReadonlySet<string> = NUMERIC_KEYS): T {
  // a reviver makes JSON.parse several times slower (1.3 s against 0.2 s on a 25 MB trace): most
  // traces have no value that is not finite, and then there is nothing to revive
  if (!text.includes('"NaN"') && !text.includes('Infinity"')) return JSON.parse(text) as T;
  return JSON.parse(text, (key, v) => {
    if (!numericKeys.has(key)) return v;
    if (Array.isArray(v)) return v.map(reviveNumber);
    if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, reviveNumber(x)]));
    return reviveNumber(v);
  }) as T;
}

// numbers as a learner reads them: short, and NaN or infinite shown as such

export function fmt(x: number, digits = 4): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "∞";
  if (x === -Infinity) return "-∞";
  if (x === 0) return "0";
  const a = Math.abs(x);
  if (a >= 1e5 || a < 1e-4) return x.toExponential(digits - 1).replace("e+", "e");
  // up to `digits` decimals, trailing zeros dropped: 2, -1.5, 0.7071
  return String(Number(x.toFixed(digits)));
}

const COUNT = new Intl.NumberFormat("en-US");

/** "1 value", "2,332 values" (one formatter for all: toLocaleString makes one per call, and the layout asks often) */
export function countOf(n: number, noun = "value"): string {
  return `${COUNT.format(n)} ${n === 1 ? noun : `${noun}s`}`;
}

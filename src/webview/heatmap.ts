// a tensor too big for a grid of numbers (up to 64×64) drawn as a heatmap: a small picture, one
// cell per element, orange for positive and blue for negative, as strong as |x| against the largest.
import type { Box } from "./groupTree";
import { matrixSize } from "./tensorText";

const POSITIVE = [232, 140, 40];
const NEGATIVE = [60, 130, 230];
const NOT_FINITE = [220, 40, 200];

/** a tensor box's numbers as its heatmap shows them (undefined: not computed yet) */
export function heatNumbers(b: Box, numberOf: (id: number) => number | undefined): (number | undefined)[] {
  return b.tensor!.values.map(numberOf);
}

/** whether two heatmaps' numbers are the same (a NaN the same as a NaN): the picture need not be made again */
export function sameNumbers(a: readonly (number | undefined)[] | undefined, b: readonly (number | undefined)[]): boolean {
  if (a === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** the heatmap of a tensor box's numbers (heatNumbers) as a PNG data URL */
export function heatmapUrl(b: Box, xs: readonly (number | undefined)[], cell: number): string {
  const t = b.tensor!;
  const { rows, cols } = matrixSize(t.shape);
  let most = 0;
  for (const x of xs) if (x !== undefined && Number.isFinite(x)) most = Math.max(most, Math.abs(x));
  const canvas = document.createElement("canvas");
  canvas.width = cols * cell;
  canvas.height = rows * cell;
  const g = canvas.getContext("2d")!;
  xs.forEach((x, k) => {
    const r = Math.floor(k / cols);
    const c = k % cols;
    const [rgb, alpha] =
      x === undefined
        ? [[128, 128, 128], 0.15]
        : !Number.isFinite(x)
          ? [NOT_FINITE, 1]
          : [x >= 0 ? POSITIVE : NEGATIVE, most > 0 ? 0.12 + 0.88 * (Math.abs(x) / most) : 0.12];
    g.fillStyle = `rgba(${rgb[0]}, ${rgb[1]}, ${rgb[2]}, ${alpha.toFixed(3)})`;
    g.fillRect(c * cell, r * cell, cell, cell);
  });
  return canvas.toDataURL("image/png");
}

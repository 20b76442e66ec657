// two interleaving half circles, made as scikit-learn's make_moons makes them, with the seeded rng.

import type { Dataset } from "./dataset";
import { DEFAULT_SEED, Random } from "../random";

/** n points (the first half-moon gets n/2 rounded down, label 0; the other label 1), shuffled, gaussian noise */
export function twoMoons(n = 100, noise = 0.1, seed: number = DEFAULT_SEED): Dataset {
  const r = new Random(seed);
  const nOut = Math.floor(n / 2);
  const nIn = n - nOut;
  const rows: { x: number[]; y: number }[] = [];
  for (let i = 0; i < nOut; i++) {
    const t = angle(i, nOut);
    rows.push({ x: [Math.cos(t), Math.sin(t)], y: 0 });
  }
  for (let i = 0; i < nIn; i++) {
    const t = angle(i, nIn);
    rows.push({ x: [1 - Math.cos(t), 1 - Math.sin(t) - 0.5], y: 1 });
  }
  r.shuffle(rows);
  for (const row of rows) {
    row.x[0] += noise * r.normal();
    row.x[1] += noise * r.normal();
  }
  return { X: rows.map((row) => row.x), y: rows.map((row) => row.y), features: ["x", "y"], classes: ["0", "1"] };
}

/** i-th of k evenly spaced angles from 0 to pi inclusive (numpy's linspace) */
function angle(i: number, k: number): number {
  return k === 1 ? 0 : (Math.PI * i) / (k - 1);
}

// matrix product as numpy's matmul: [n,k]·[k,m] -> [n,m]; a vector on the left is a row
// ([k]·[k,m] -> [m]), on the right a column ([n,k]·[k] -> [n]), on both sides their dot product
// ([k]·[k] -> []). each output element is the sum of products a[i,p]·b[p,j], made with Value.mul
// and Value.add: C[i,j] reads only row i of A and column j of B, so only they get its grad.

import type { Value } from "../value";
import type { Shaped } from "./broadcast";
import { shapeText } from "./shapes";

/** the output's shape, or the user's mistake with both shapes */
export function matmulShape(a: readonly number[], b: readonly number[]): number[] {
  const pair = `${shapeText(a)} · ${shapeText(b)}`;
  if (a.length === 0 || b.length === 0) throw new Error(`matmul: ${pair}: a number has no axis to multiply along (use mul)`);
  const k = a[a.length - 1];
  const kb = b.length === 1 ? b[0] : b[0];
  if (k !== kb) throw new Error(`matmul: ${pair}: inner sizes ${k} and ${kb} differ`);
  if (k === 0) throw new Error(`matmul: ${pair}: inner size 0, no products to sum`);
  const out: number[] = [];
  if (a.length === 2) out.push(a[0]);
  if (b.length === 2) out.push(b[1]);
  return out;
}

/** C[i,j] = a[i,0]·b[0,j] + a[i,1]·b[1,j] + …, left to right */
export function matmulValues(a: Shaped, b: Shaped): Value[] {
  const n = a.shape.length === 2 ? a.shape[0] : 1;
  const k = a.shape[a.shape.length - 1];
  const m = b.shape.length === 2 ? b.shape[1] : 1;
  const av = a.values;
  const bv = b.values;
  const values = new Array<Value>(n * m);
  for (let i = 0; i < n; i++) {
    const row = i * k;
    for (let j = 0; j < m; j++) {
      let s = av[row].mul(bv[j]);
      for (let p = 1; p < k; p++) s = s.add(av[row + p].mul(bv[p * m + j]));
      values[i * m + j] = s;
    }
  }
  return values;
}

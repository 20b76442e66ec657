// step into, step over, step out: where each takes the stepper, from the boxes each step's node is
// in. a position p means steps 0..p-1 have run; the current node is steps[p-1]. pure (no DOM).

export interface StepBoxes {
  /** per step: the boxes its node is in, from the top down (no series, not the whole graph) */
  readonly chains: readonly (readonly number[])[];
}

const inBox = (chain: readonly number[], box: number) => chain.includes(box);

/** the chain of the node current at position p (none at 0) */
function currentChain(s: StepBoxes, p: number): readonly number[] {
  return p > 0 ? s.chains[p - 1] : [];
}

/** one step, or, when the next node enters a box, the whole box: finish a neuron, a layer, a sample */
export function stepOver(s: StepBoxes, p: number): number {
  const total = s.chains.length;
  if (p >= total) return total;
  const here = currentChain(s, p);
  const entered = s.chains[p].find((b) => !here.includes(b));
  if (entered === undefined) return p + 1;
  let q = p;
  while (q < total && inBox(s.chains[q], entered)) q++;
  return q;
}

/** on to the first step inside a box the current node is not in (the next neuron, the next sample) */
export function stepInto(s: StepBoxes, p: number): number {
  const total = s.chains.length;
  let q = p;
  while (q < total) {
    const here = currentChain(s, q);
    const next = s.chains[q];
    q++;
    if (next.some((b) => !here.includes(b))) return q;
  }
  return total;
}

/** on to the end of the innermost box the current node is in; at its end already, the box around it */
export function stepOut(s: StepBoxes, p: number): number {
  const total = s.chains.length;
  if (p >= total) return total;
  const here = currentChain(s, p);
  for (let d = here.length - 1; d >= 0; d--) {
    const box = here[d];
    let q = p;
    while (q < total && inBox(s.chains[q], box)) q++;
    if (q > p) return q;
  }
  return total;
}

/**
 * where Step stops in a graph of tensor ops: after each step outside every tensor op, and after
 * the last step of each op (its outermost tensor box), when the op has sent all its grads. the
 * scalar order interleaves ops (an element's whole chain goes back before the next element's), so
 * at a stop the next op may be part done; Into steps the scalars one by one. `isOp`: whether a box
 * is a tensor op's. without tensor ops, every position is a stop
 */
export function opStops(s: StepBoxes, isOp: (box: number) => boolean): number[] {
  const last = new Map<number, number>();
  const opOf = s.chains.map((chain) => chain.find(isOp));
  opOf.forEach((op, i) => op !== undefined && last.set(op, i));
  const stops = [0];
  opOf.forEach((op, i) => {
    if (op === undefined || last.get(op) === i) stops.push(i + 1);
  });
  return stops;
}

/** Step: on to the next stop */
export function stepOp(stops: readonly number[], p: number, total: number): number {
  for (const q of stops) if (q > p) return q;
  return total;
}

/** Back: to the stop before */
export function backOp(stops: readonly number[], p: number): number {
  let best = 0;
  for (const q of stops) if (q < p) best = q;
  return best;
}

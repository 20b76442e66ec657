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

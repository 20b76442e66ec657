// who hears about backward() calls, and whether passes are recorded for them.
// the runner installs a listener (a script cannot: index.ts keeps it from scripts); a training loop
// may switch recording off to run at full speed.

import type { BackwardCall, BackwardListener, Node, Tape, TraceStep } from "./types";
import { handBackTape, tapeLocals, tapeSteps } from "./tape";

export type { BackwardCall, BackwardListener } from "./types";

let listener: BackwardListener | null = null;
/** whether the listener reads passes' tapes (steps, grads before and after, data) */
let listenerTapes = true;
let recording = true;
let calls = 0;

/**
 * called after every backward() finishes; null to stop listening. the runner's (and the tests'):
 * scripts do not get it (index.ts), so a script cannot take the runner's calls away.
 * tapes: false for a listener that draws no pass (the runner's `run`): its calls come without
 * steps, grads or data, as if recording were off, and a pass allocates nothing per node for it
 */
export function setBackwardListener(fn: BackwardListener | null, opts: { tapes?: boolean } = {}): void {
  listener = fn;
  listenerTapes = opts.tapes ?? true;
}

/**
 * record the steps of each pass for the listener (default on). off, a pass allocates nothing per
 * node; a training loop can switch it off and back on for the pass it wants to show. with no
 * listener installed nothing is recorded either, since no one could read it.
 */
export function setRecording(on: boolean): void {
  recording = on;
}

export function isRecording(): boolean {
  return recording;
}

/** @internal */
export function currentListener(): BackwardListener | null {
  return listener;
}

/** @internal whether the pass about to run is taped: recording is on and the listener reads tapes */
export function isTaping(): boolean {
  return listener !== null && recording && listenerTapes;
}

/** @internal the index of the next backward() call */
export function takeCallIndex(): number {
  return calls++;
}

/** @internal primeEngine's: the next backward() call is index 0 again */
export function restartCallCount(): void {
  calls = 0;
}

/** @internal how many backward() calls have begun so far */
export function callCount(): number {
  return calls;
}

/**
 * @internal the listener's: `call` will not be read again (the runner keeps only the call it may
 * draw), so its tape's arrays serve the next pass. the call reads as unrecorded from then on, so a
 * read that should not happen finds no numbers rather than another pass's
 */
export function releaseCall(call: BackwardCall): void {
  if (call instanceof RecordedCall) call.release();
}

/** a released call's order */
const NO_ORDER: readonly Node[] = Object.freeze([]);

/** @internal a call whose steps are built from its tape on first read */
export class RecordedCall implements BackwardCall {
  private built: TraceStep[] | null = null;

  constructor(
    readonly index: number,
    readonly root: Node,
    private sorted: Node[] | null,
    readonly accumulated: boolean,
    private tape: Tape | null,
  ) {}

  get order(): readonly Node[] {
    return this.sorted ?? NO_ORDER;
  }

  /**
   * no one reads this call again: its tape serves the next pass, and the call reads as unrecorded,
   * with an empty order. the order's places are emptied, not only let go: an order kept past a
   * scavenge is in v8's old generation, where a dead array is not collected until the next full
   * collection, and until then every value it names is kept through each scavenge, then copied
   * into the old generation (a training loop's graph, every few steps)
   */
  release(): void {
    const order = this.sorted;
    if (order === null) return;
    this.sorted = null;
    order.fill(null as unknown as Node);
    if (this.tape === null) return;
    handBackTape(this.tape);
    this.tape = null;
    this.built = null;
  }

  get steps(): TraceStep[] | null {
    if (this.tape === null) return null;
    if (this.built === null) this.built = tapeSteps(this.order, this.tape);
    return this.built;
  }

  get locals(): number[][] | null {
    return this.tape === null ? null : tapeLocals(this.order, this.tape);
  }

  get gradBefore(): Float64Array | null {
    return this.tape === null ? null : this.tape.gradBefore;
  }

  get gradAfter(): Float64Array | null {
    return this.tape === null ? null : this.tape.gradAfter;
  }

  get data(): Float64Array | null {
    return this.tape === null ? null : this.tape.data;
  }

  get leaves(): Int32Array | null {
    return this.tape === null ? null : this.tape.leaves;
  }
}

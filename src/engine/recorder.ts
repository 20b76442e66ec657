// who hears about backward() calls, and whether passes are recorded for them.
// the runner installs a listener; a training loop may switch recording off to run at full speed.

import type { Value } from "./value";
import type { TraceStep } from "./trace";
import { tapeSteps, type Tape } from "./tape";

/** one finished backward() call */
export interface BackwardCall {
  /** 0, 1, 2… per process, counting every backward() call, heard or not */
  readonly index: number;
  readonly root: Value;
  /** the topological order the pass used (leaves first, root last) */
  readonly order: readonly Value[];
  /** in the order backward ran them; null when recording was off */
  readonly steps: TraceStep[] | null;
  /** some value in the graph had a non-zero grad before the pass: its grads were added to, not set */
  readonly accumulated: boolean;
  /** grad of order[i] before the pass, null when recording was off */
  readonly gradBefore: Float64Array | null;
  /** grad of order[i] right after the pass, null when recording was off */
  readonly gradAfter: Float64Array | null;
  /** data of order[i] when the pass ran, null when recording was off */
  readonly data: Float64Array | null;
}

export type BackwardListener = (call: BackwardCall) => void;

let listener: BackwardListener | null = null;
let recording = true;
let calls = 0;

/** called after every backward() finishes; null to stop listening */
export function setBackwardListener(fn: BackwardListener | null): void {
  listener = fn;
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

/** @internal the index of the next backward() call */
export function takeCallIndex(): number {
  return calls++;
}

/** @internal a call whose steps are built from its tape on first read */
export class RecordedCall implements BackwardCall {
  private built: TraceStep[] | null = null;

  constructor(
    readonly index: number,
    readonly root: Value,
    readonly order: readonly Value[],
    readonly accumulated: boolean,
    private readonly tape: Tape | null,
  ) {}

  get steps(): TraceStep[] | null {
    if (this.tape === null) return null;
    if (this.built === null) this.built = tapeSteps(this.order, this.tape);
    return this.built;
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
}

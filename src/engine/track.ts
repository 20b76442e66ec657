// numbers a script reports per backward() call (accuracy, say), shown beside the loss curve. a
// number belongs to the call whose backward() ran last before it (before the first call, to the
// first): the runner listens and keeps them with its calls; with no one listening, track() does nothing.

import { callCount } from "./recorder";
import { Value } from "./value";

/** hears each tracked number, with the index of the backward() call it belongs to */
export type TrackListener = (name: string, value: number, call: number) => void;

let listener: TrackListener | null = null;

/** @internal the runner's: null to stop listening */
export function setTrackListener(fn: TrackListener | null): void {
  listener = fn;
}

/** the call a number reported now belongs to: the latest backward() call, or the first before any */
export function currentCall(): number {
  return Math.max(0, callCount() - 1);
}

/**
 * reports a number for the current training step: `track("accuracy", acc)` after loss.backward()
 * gives that call an accuracy, plotted per call beside the loss. the same name twice in one call
 * keeps the last; a Value gives its data.
 */
export function track(name: string, value: number | Value): void {
  if (typeof name !== "string") throw new TypeError(`track(name, value) takes a name that is a string, got ${typeof name}`);
  const x = value instanceof Value ? value.data : value;
  if (typeof x !== "number") throw new TypeError(`track("${name}", value) takes a number, got ${typeof x}`);
  if (listener !== null) listener(name, x, currentCall());
}

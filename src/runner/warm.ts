// a waiting worker's warm-up for its run (the extension keeps one ready), in two parts:
// - the engine's training steps (engine/prime.ts warmEngine), run the way Visualize's traced run
//   runs them (creation places asked for until the limit, each pass taped, its update watched), so
//   that v8 has compiled those paths before the script starts. the moons loop as the extension
//   runs it (a spare worker, then the traced run; medians of 10 interleaved runs): its first step
//   103 -> 43 ms, its 20 steps 577 -> 517 ms. warmed as an untraced run, the traced run's first
//   step found the locator and the tapes new, and v8 threw away what it had compiled;
// - the young generation's memory written once (touchYoungGeneration below).
// ~150 ms of the waiting worker's own time
import { getHeapSpaceStatistics } from "node:v8";
import { warmEngine } from "../engine/prime";
import { setLocator } from "../engine/origin";
import { setBackwardListener } from "../engine/recorder";
import { endUpdateWatch, watchUpdate } from "../engine/update";
import { ScriptLocator } from "./locator";

/** places for the warm-up's first values only: the locator then stops asking, as a run's does past its limit */
const WARM_PLACES = 4000;

/** @internal the worker's, while it waits for its run (never once the run has begun: the engine's counts restart) */
export function warmForRun(): void {
  warmForTrace();
  touchYoungGeneration();
}

function warmForTrace(): void {
  // the worker's own file stands for the script's: a value finds its place, as a script's values do
  setLocator(new ScriptLocator(new Set([__filename]), __filename, WARM_PLACES));
  setBackwardListener((call) => void watchUpdate(call), { tapes: true });
  try {
    warmEngine();
  } finally {
    setLocator(null);
    setBackwardListener(null);
    endUpdateWatch();
  }
}

/** bytes in use in v8's young generation: less than a moment ago when a scavenge has emptied it */
function youngBytes(): number {
  for (const s of getHeapSpaceStatistics()) if (s.space_name === "new_space") return s.space_used_size;
  return 0;
}

/**
 * each page of the young generation (both halves: the scavenger copies from one into the other)
 * written once, by garbage made until two scavenges have emptied it. the memory is the worker's
 * from its start (runScript.ts: a young generation of 40 MB), but the system gives a page its
 * memory only when it is first written, ~2.7 us a page here: a training loop's first steps paid
 * that for 80 MB as they filled it (the moons loop as the extension runs it: 578 -> 443 ms for 20
 * steps, medians of 10 interleaved runs)
 */
function touchYoungGeneration(): void {
  let scavenges = 0;
  let before = youngBytes();
  // enough for two young generations of 64 MB, in case a scavenge goes unseen
  for (let chunk = 0; chunk < 8192 && scavenges < 2; chunk++) {
    for (let i = 0; i < 1024; i++) _garbage = { i };
    const now = youngBytes();
    if (now < before) scavenges++;
    before = now;
  }
  _garbage = null;
}

/** the garbage touchYoungGeneration makes, each piece in reach until the next: so v8 makes every piece (never read) */
let _garbage: { i: number } | null = null;

// a waiting worker's warm-up for its run (the extension keeps one ready), in two parts:
// - the engine's training steps (engine/prime.ts warmEngine), run the way Visualize's traced run
//   runs them (creation places asked for until the limit, each pass taped, its update watched), so
//   that v8 has compiled those paths before the script starts. the moons loop as the extension
//   runs it (a spare worker, then the traced run; medians of 10 interleaved runs): its first step
//   103 -> 43 ms, its 20 steps 577 -> 517 ms. warmed as an untraced run, the traced run's first
//   step found the locator and the tapes new, and v8 threw away what it had compiled;
// - the young generation's memory written once (touchYoungGeneration below), in slices a run's
//   request can come between.
// ~75 ms of the waiting worker's time for the first, and for the second ~20 ms where the system
// gives memory quickly to ~270 ms where a page first written costs ~12 us
import { getHeapSpaceStatistics } from "node:v8";
import { warmEngine } from "../engine/prime";
import { setLocator } from "../engine/origin";
import { setBackwardListener } from "../engine/recorder";
import { endUpdateWatch, watchUpdate } from "../engine/update";
import { ScriptLocator } from "./locator";

/** places for the warm-up's first values only: the locator then stops asking, as a run's does past its limit */
const WARM_PLACES = 4000;

/**
 * @internal the worker's, while it waits for its run (never once the run has begun: the engine's
 * counts restart); `begun` once it has. resolves when the young generation is written
 */
export function warmForRun(begun: () => boolean): Promise<void> {
  warmForTrace();
  return touchYoungGeneration(begun);
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

/** v8's young generation now: bytes in use, and the memory it holds from the system */
function young(): { used: number; held: number } {
  for (const s of getHeapSpaceStatistics())
    if (s.space_name === "new_space") return { used: s.space_used_size, held: s.physical_space_size };
  return { used: 0, held: 0 };
}

/** how long one slice of touchYoungGeneration runs before a run's request may come in */
const SLICE_MS = 10;
/** garbage made before touchYoungGeneration gives up, counted at 16 bytes a piece, its least (a young generation of 64 MB four times over) */
const MOST_BYTES = 256 << 20;

/**
 * each page of the young generation (both halves: the scavenger copies from one into the other)
 * written once, by garbage made until two scavenges have emptied it since it last held less
 * memory. the system gives a page its memory only when it is first written (~3-12 us a page on
 * these machines), and a training loop's first steps paid that for 80 MB as they filled it. v8
 * gives back the half it copies from after a full collection while little is being allocated (as
 * the warm-up's last one was: the count starts again), so the pages are written last of all. in
 * slices between which a run's request is taken: a run never waits for more than one. resolves
 * when done, or given up (its run has begun, or the garbage made reached MOST_BYTES)
 */
export function touchYoungGeneration(begun: () => boolean): Promise<void> {
  let made = 0;
  let scavenges = 0;
  let held = young().held;
  return new Promise((resolve) => {
    const slice = () => {
      const end = performance.now() + SLICE_MS;
      let before = young().used;
      while (scavenges < 2 && made < MOST_BYTES && performance.now() < end) {
        for (let i = 0; i < 1024; i++) _garbage = { i };
        made += 1024 * 16;
        const now = young();
        if (now.held < held)
          scavenges = 0; // half of it given back: written again
        else if (now.used < before) scavenges++;
        held = now.held;
        before = now.used;
      }
      _garbage = null;
      if (scavenges < 2 && made < MOST_BYTES && !begun()) setImmediate(slice);
      else resolve();
    };
    slice();
  });
}

/** the garbage touchYoungGeneration makes, each piece in reach until the next: so v8 makes every piece (never read) */
let _garbage: { i: number } | null = null;

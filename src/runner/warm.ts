// a waiting worker's warm-up for its run: the engine's training steps (engine/prime.ts warmEngine)
// run the way Visualize's traced run runs them (creation places asked for until the limit, each
// pass taped, its update watched), so that v8 has compiled those paths too before the script
// starts. the moons loop as the extension runs it (a spare worker, then the traced run; medians of
// 10 interleaved runs): its first step 103 -> 43 ms, its 20 steps 577 -> 517 ms. warmed as an
// untraced run, the traced run's first step found the locator and the tapes new, and v8 threw
// away what it had compiled
import { warmEngine } from "../engine/prime";
import { setLocator } from "../engine/origin";
import { setBackwardListener } from "../engine/recorder";
import { endUpdateWatch, watchUpdate } from "../engine/update";
import { ScriptLocator } from "./locator";

/** places for the warm-up's first values only: the locator then stops asking, as a run's does past its limit */
const WARM_PLACES = 4000;

/** @internal the worker's, while it waits for its run (never once the run has begun: the engine's counts restart) */
export function warmForTrace(): void {
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

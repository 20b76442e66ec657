// a call picked on the loss curve is drawn from a re-run of the script (captureCall), which is the
// call that was clicked only when the script is deterministic. this compares the two, so a script
// that uses Math.random() does not show another run's call without a word.
import type { BackwardSummary, CallMismatch, RunResult } from "./protocol";

/** what a call is compared by: its loss, exactly as a number (NaN equal to NaN), and its graph's size */
type CallFace = CallMismatch["clicked"];

/**
 * how the re-run's call `index` differs from the call clicked on the curve, or undefined when it
 * is the same call (or nothing is known of the clicked one). `clicked`: the curve's summary of it;
 * `rerun`: the run made with captureCall = index.
 */
export function callMismatch(index: number, clicked: BackwardSummary | undefined, rerun: RunResult): CallMismatch | undefined {
  if (!clicked) return undefined;
  const was = faceOf(clicked);
  const made = rerun.calls[index];
  if (!made) return { index, clicked: was };
  const now = faceOf(made);
  return sameNumber(was.loss, now.loss) && was.nodeCount === now.nodeCount ? undefined : { index, clicked: was, rerun: now };
}

function faceOf(call: BackwardSummary): CallFace {
  return { loss: call.loss, nodeCount: call.nodeCount };
}

function sameNumber(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

/** the mismatch in a sentence, for the output channel (calls counted from 1, as the curve shows them) */
export function describeMismatch(m: CallMismatch): string {
  const call = `call ${m.index + 1}`;
  const hint = "the script did not run the same way twice (Math.random()?); seed its randomness with rng(seed) to pick calls reliably";
  if (!m.rerun)
    return `${call} was not made this time: the re-run made fewer backward() calls (the curve showed loss ${show(m.clicked.loss)}); ${hint}`;
  const parts: string[] = [];
  if (!sameNumber(m.rerun.loss, m.clicked.loss)) {
    const [now, was] = apart(m.rerun.loss, m.clicked.loss);
    parts.push(`loss ${now} (clicked ${was})`);
  }
  if (m.rerun.nodeCount !== m.clicked.nodeCount) parts.push(`${m.rerun.nodeCount} values (clicked ${m.clicked.nodeCount})`);
  return `${call} ran differently this time: ${parts.join(", ")}; ${hint}`;
}

/** a number as a learner reads it: 4 significant digits */
function show(x: number, digits = 4): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(digits))) : String(x);
}

/** two different numbers with as many digits as it takes to tell them apart */
function apart(a: number, b: number): [string, string] {
  for (let digits = 4; digits <= 17; digits++) {
    const x = show(a, digits);
    const y = show(b, digits);
    if (x !== y) return [x, y];
  }
  return [String(a), String(b)];
}

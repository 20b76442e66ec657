// what the banner above the graph says, worked out from the page's state: an error at the user's
// line, a graph too big to send, a picked call that ran differently, process.exit, grads that
// accumulated, what-if. several can hold at once, and each is said. pure (no DOM).
import { drawnOf } from "./drawn";
import { fmt } from "./format";
import type { PageState } from "./state";
import { nameOf } from "./names";

export interface Notice {
  kind: "error" | "warning" | "info";
  /** the notice's element id */
  id: string;
  /** the file and line it is about ("neuron.ts:3:5") */
  where?: string;
  text: string;
  /** what to do about it, verbatim (a setting, a snippet) */
  hint?: string;
  /** a second line */
  more?: string;
  button?: { label: string; title: string; id: string; does: "gotoError" | "resetWhatIf" };
}

const count = (n: number) => n.toLocaleString("en-US");
const calls = (n: number) => `${count(n)} backward() call${n === 1 ? "" : "s"}`;

export function notices(s: PageState): Notice[] {
  const out: Notice[] = [];
  const page = s.page;
  if (page.kind === "empty") return out;
  if (page.error) {
    const e = page.error;
    const run = page.kind === "showing" ? page.shown.run : page.kind === "summary" ? page.run : undefined;
    const more =
      page.kind === "failed"
        ? undefined
        : "earlier" in page && page.earlier
          ? "The graph below is from the last run that made one."
          : `${calls(run!.calls.length)} ran before the script stopped${page.kind === "showing" ? "; the last recorded one is below." : "."}`;
    out.push({
      kind: "error",
      id: "error",
      where: e.pos ? `${e.pos.file.split(/[\\/]/).pop()}:${e.pos.line}:${e.pos.column}` : undefined,
      text: e.message,
      hint: e.hint,
      more,
      button: e.pos ? { label: "Go to line", title: "Reveal the line in the editor", id: "goto-error", does: "gotoError" } : undefined,
    });
  }
  const m = page.kind === "showing" ? page.shown.mismatch : page.kind === "summary" ? page.mismatch : undefined;
  if (m) {
    const call = `call ${m.index + 1}`;
    const clicked = `loss ${fmt(m.clicked.loss)}, ${count(m.clicked.nodeCount)} values`;
    const runs = page.kind === "showing" ? page.shown.run : page.kind === "summary" ? page.run : undefined;
    const shownNow =
      page.kind === "showing" ? `Below is this new run's ${m.rerun ? call : "last recorded call"}` : "This run has no graph of it to show";
    const text = m.rerun
      ? `You picked ${call} on the curve (${clicked}). To draw it the script ran again, and this time its ${call} was different (loss ${fmt(m.rerun.loss)}, ${count(m.rerun.nodeCount)} values): the script does not make the same numbers on every run (Math.random()?). ${shownNow}, and the curve is this run's.`
      : `You picked ${call} on the curve (${clicked}). To draw it the script ran again, and this time it made only ${calls(runs?.calls.length ?? 0)}: the script does not run the same way every time (Math.random()?). ${shownNow}, and the curve is this run's.`;
    out.push({
      kind: "warning",
      id: "mismatch",
      text,
      hint: "To step the very call you click, draw the script's random numbers from the engine's rng(seed) instead of Math.random().",
    });
  }
  if (page.kind === "summary" && !m) {
    const r = page.run;
    const text = r.tooBig
      ? `The last backward() call's graph has ${count(r.tooBig.nodeCount)} Values, more than the limit of ${count(r.tooBig.maxNodes)}, so it was not sent to the panel. Raise the setting backpropStepper.maxNodes to step it.`
      : "The last backward() call ran with recording off (setRecording(false)), so it has no steps to show.";
    out.push({ kind: "info", id: "summary", text });
  }
  if (page.kind !== "showing") return out;
  const shown = page.shown;
  if (shown.run.exitCode)
    out.push({
      kind: "info",
      id: "exit",
      text: `The script ended itself with process.exit(${shown.run.exitCode}); its last recorded backward() call is below.`,
    });
  if (shown.run.trace.accumulated)
    out.push({
      kind: "warning",
      id: "accumulated",
      text: "Grads were not zero when this backward() began, so they accumulate (as in PyTorch): each grad below adds to what it held. Call zeroGrad() (or set each grad to 0) before backward() to start from zero.",
    });
  if (shown.edits.length) {
    const d = drawnOf(shown);
    const nodes = new Map(shown.run.trace.nodes.map((n) => [n.id, n]));
    const said = shown.edits.map(([id, v]) => `${nameOf(nodes.get(id)!)} = ${fmt(v)} (was ${fmt(nodes.get(id)!.data)})`).join(", ");
    out.push({
      kind: "info",
      id: "whatif",
      text:
        `What-if: ${said}. Values and grads are worked out again from the recorded ops, without running the script; the ${count(d.changed.size)} that changed are in orange.` +
        (d.approximate ? " Through a hand-written op the change is linearised with its locals." : ""),
      button: { label: "Reset", title: "Back to the script's values", id: "reset-whatif", does: "resetWhatIf" },
    });
  }
  return out;
}

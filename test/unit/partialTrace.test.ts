// the page draws a trace as it first arrives, before its numeric check (the page runs that once
// the graph is drawn, controller.ts) and without creation lines, and fills them in when it has them
import * as assert from "node:assert";
import { applyResults, checkTrace, NumericCheck } from "../../src/engine/numericCheck";
import type { Trace } from "../../src/engine";
import { decodeTrace, encodeTrace } from "../../src/shared/traceColumns";
import { viewOf } from "../../src/webview/openBoxes";
import { factsOf } from "../../src/webview/runFacts";
import { numericLine, valueTip } from "../../src/webview/tooltip";
import { xorTrace } from "./lessonTraces";
import { pageOf, shown } from "./pageOf";

/** the trace as the host first sends it: no numeric check yet (all its leaves pending), no creation lines, through the columns */
function firstSent(): Trace {
  const trace = xorTrace();
  checkTrace(trace, 0);
  for (const n of trace.nodes) delete n.loc;
  return decodeTrace(encodeTrace(trace)!);
}

describe("the page draws from a partial trace", () => {
  it("a trace whose numeric check is pending is drawn, stepped and hovered; the check fills in after", () => {
    const trace = firstSent();
    const leaves = trace.nodes.filter((n) => n.children.length === 0);
    assert.strictEqual(trace.numericPending, leaves.length);
    const sh = shown(pageOf(trace));
    const f = factsOf(trace);
    assert.strictEqual(sh.step, 0);
    assert.strictEqual(f.total, trace.steps.length);
    assert.ok(viewOf(f, sh).units.length > 0, "something is drawn");
    const leaf = leaves[0];
    assert.strictEqual(numericLine(leaf), "numeric check: still running…");
    const tip = valueTip(f, f.at(f.total), leaf.id, undefined);
    assert.ok(tip.some((l) => l.startsWith("grad")) && !tip.some((l) => l.startsWith("created at")), tip.join("\n"));

    // as the controller does once the graph is drawn
    const check = new NumericCheck(trace);
    check.run();
    applyResults(trace, check);
    assert.strictEqual(trace.numericPending, undefined);
    assert.match(numericLine(leaf), /^numeric check: -?[\d.e-]+ ✓ agrees/);
  });
});

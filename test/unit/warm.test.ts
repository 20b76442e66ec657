// the spare worker's warm-up (runner/warm.ts), in a node of its own with the worker's young generation
import * as assert from "node:assert";
import { execFileSync } from "node:child_process";
import * as path from "node:path";

const PROGRAM = path.join(__dirname, "youngPages.js");
/** MB a half, as runScript.ts gives its worker */
const HALF = 40;

/** page faults while garbage fills the young generation twice over, after the warm-up or without it */
function faults(warm: boolean): number {
  const out = execFileSync(
    process.execPath,
    [`--max-semi-space-size=${HALF}`, `--min-semi-space-size=${HALF}`, PROGRAM, "--half", String(HALF), ...(warm ? ["warm"] : [])],
    { encoding: "utf8" },
  );
  return (JSON.parse(out) as { faults: number }).faults;
}

describe("a spare worker's warm-up", function () {
  this.timeout(30_000);

  it("writes each page of the young generation once, so a script's first garbage finds them written", function () {
    const cold = faults(false);
    // a system that gives memory in huge pages faults a few times only, warmed or not
    if (cold < 2000) this.skip();
    const warm = faults(true);
    // 80 MB of young generation is 20,480 pages of 4 KB: a cold node faults for each it fills
    assert.ok(warm < cold / 4, `page faults: ${warm} after the warm-up, ${cold} without`);
  });
});

// a tensor box's heatmap is made again only when the numbers it shows changed: a step elsewhere in
// the graph leaves the picture as it is
import * as assert from "node:assert";
import { heatNumbers, sameNumbers } from "../../src/webview/heatmap";
import type { Box } from "../../src/webview/groupTree";

describe("heatmap numbers", () => {
  it("reads a tensor box's numbers in its elements' order, undefined where not computed yet", () => {
    const box = { tensor: { values: [3, 1, 2] } } as unknown as Box;
    const known = new Map([
      [1, 0.5],
      [3, -2],
    ]);
    assert.deepStrictEqual(
      heatNumbers(box, (id) => known.get(id)),
      [-2, 0.5, undefined],
    );
  });

  it("tells the same numbers from changed ones, NaN and not-yet-computed included", () => {
    assert.ok(sameNumbers([1, NaN, undefined, Infinity], [1, NaN, undefined, Infinity]));
    assert.ok(!sameNumbers(undefined, [1]), "nothing shown yet");
    assert.ok(!sameNumbers([1, 2], [1, 2, 3]), "another shape");
    assert.ok(!sameNumbers([1, undefined], [1, 0]), "a number computed by this step");
    assert.ok(!sameNumbers([1, 2], [1, NaN]), "a number that became NaN");
  });
});

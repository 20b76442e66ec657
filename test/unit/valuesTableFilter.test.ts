// the values table's pure parts: which rows a filter keeps, which rows a scroll position draws
// (the module holds the table too, and its types need the dom's)
/// <reference lib="dom" />
import * as assert from "node:assert";
import { countText, matches, windowOf, type TableRow } from "../../src/webview/valuesTable";

const row = (id: number, name: string, path = "", op = ""): TableRow => ({ id, name, path, op, data: 0, param: false });

const w0 = row(12, "w0", "MLP › layer 1 › neuron 2");
const tanh = row(120, "#120", "MLP › layer 1 › neuron 2", "tanh");
const x1 = row(3, "x1");
const loss = row(7, "Loss", "", "+");

describe("values table filter", () => {
  const cases: [query: string, r: TableRow, expected: boolean][] = [
    ["", w0, true],
    ["   ", w0, true],
    ["w0", w0, true],
    ["W0", w0, true], // case-insensitive
    ["loss", loss, true],
    ["w1", w0, false],
    ["layer 1", w0, true], // the path
    ["neuron 2 w0", w0, true], // every word, in any field
    ["neuron 3 w0", w0, false],
    ["mlp", w0, true],
    ["mlp", x1, false],
    ["W0 #12", w0, true], // an id and text together
    ["w0 #13", w0, false],
    ["TANH", tanh, true], // the op
    ["+", loss, true],
    ["*", loss, false],
    ["#12", w0, true], // an id
    ["#12", tanh, false], // "#12" is id 12 only, not #120
    ["#120", tanh, true],
    ["12", w0, true], // a bare number: the id
    ["12", tanh, true], // ... or text that holds it ("#120")
    ["3", x1, true],
    ["1", x1, true], // "x1" holds "1"
    ["4", x1, false],
    ["#", tanh, true], // a lone "#" is text
    ["#x", x1, false],
    ["›", w0, true],
    ["w0\nmlp", w0, true], // a newline is a space, never a match across fields
    ["w0mlp", w0, false],
  ];
  for (const [query, r, expected] of cases) {
    it(`${JSON.stringify(query)} ${expected ? "matches" : "does not match"} ${r.name}`, () => {
      assert.strictEqual(matches(r, query), expected);
    });
  }
});

describe("values table window", () => {
  // [scrollTop of the rows, viewport, row height, overscan, rows] -> [first, last)
  const cases: [args: [number, number, number, number, number], first: number, last: number][] = [
    [[0, 200, 20, 0, 1000], 0, 10],
    [[0, 200, 20, 5, 1000], 0, 15], // no rows before the first
    [[10, 200, 20, 0, 1000], 0, 11], // a row half out at each end
    [[400, 200, 20, 5, 1000], 15, 35],
    [[-25, 200, 20, 0, 1000], 0, 9], // the header still in view
    [[19_980, 200, 20, 5, 1000], 994, 1000], // the end
    [[50_000, 200, 20, 5, 1000], 999, 1000], // past the end (a list just shortened)
    [[0, 200, 20, 5, 3], 0, 3], // fewer rows than fit
    [[0, 200, 20, 5, 0], 0, 0],
    [[0, 0, 20, 8, 1000], 0, 8], // not laid out yet: a few rows
    [[0, 200, 0, 8, 1000], 0, 8], // no row height yet
    [[1_399_978, 400, 20, 8, 70_000], 69_990, 70_000],
    [[700_000.5, 357, 21.5, 8, 70_000], 32_550, 32_583], // fractional sizes
  ];
  for (const [args, first, last] of cases) {
    it(`windowOf(${args.join(", ")}) is [${first}, ${last})`, () => {
      assert.deepStrictEqual(windowOf(...args), { first, last });
    });
  }

  it("always covers the viewport", () => {
    for (let top = 0; top < 3000; top += 7) {
      const { first, last } = windowOf(top, 333, 22, 0, 200);
      assert.ok(first * 22 <= top && (last * 22 >= top + 333 || last === 200), `top ${top}: [${first}, ${last})`);
    }
  });
});

describe("values table count line", () => {
  // numbers in the reader's locale: "2,294" in english
  const n = (x: number) => x.toLocaleString();
  const cases: [args: [number, number, boolean], text: string][] = [
    [[2294, 2294, false], `${n(2294)} values`],
    [[1, 1, false], "1 value"],
    [[0, 0, false], "0 values"],
    [[12, 2294, true], `12 of ${n(2294)} values match`],
    [[1, 2294, true], `1 of ${n(2294)} values matches`],
    [[0, 70_000, true], `0 of ${n(70_000)} values match`],
  ];
  for (const [args, text] of cases) {
    it(text, () => assert.strictEqual(countText(...args), text));
  }
});

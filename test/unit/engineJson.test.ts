// the json codec: non-finite numbers survive as strings and come back as numbers in numeric fields.

import { strict as assert } from "node:assert";
import { toJson, fromJson, reviveNumber } from "../../src/engine";

describe("json codec", () => {
  const cases: [string, unknown, string][] = [
    ["NaN", { data: NaN }, '{"data":"NaN"}'],
    ["Infinity", { grad: Infinity }, '{"grad":"Infinity"}'],
    ["-Infinity", { local: -Infinity }, '{"local":"-Infinity"}'],
    ["arrays of numbers", { locals: [1, NaN, -Infinity] }, '{"locals":[1,"NaN","-Infinity"]}'],
    ["plain numbers", { before: 1.5, after: -0.25 }, '{"before":1.5,"after":-0.25}'],
    ["nested", { nodes: [{ data: Infinity, label: "x" }] }, '{"nodes":[{"data":"Infinity","label":"x"}]}'],
  ];
  for (const [name, value, text] of cases) {
    it(name, () => {
      assert.equal(toJson(value), text);
      assert.deepEqual(fromJson(text), value);
    });
  }

  it("leaves strings in other fields alone", () => {
    assert.deepEqual(fromJson('{"label":"NaN","data":"NaN"}'), { label: "NaN", data: NaN });
  });

  it("takes its own numeric fields", () => {
    assert.deepEqual(fromJson('{"loss":"Infinity"}', new Set(["loss"])), { loss: Infinity });
  });

  it("reviveNumber", () => {
    assert.ok(Number.isNaN(reviveNumber("NaN") as number));
    assert.equal(reviveNumber("Infinity"), Infinity);
    assert.equal(reviveNumber("-Infinity"), -Infinity);
    assert.equal(reviveNumber("x"), "x");
    assert.equal(reviveNumber(3), 3);
  });

  it("indents like JSON.stringify", () => {
    assert.equal(toJson({ a: [1] }, 2), JSON.stringify({ a: [1] }, null, 2));
  });
});

// showDecision's picture from a recorded forward (recordedForward.ts) is the picture from calling
// forward at every point: the same numbers, bit for bit, for the library's modules; a script's own
// function is not recorded (it may branch on its input)
import * as assert from "node:assert";
import { Layer, MLP, Neuron, Value } from "../../src/engine";
import { decisionOf } from "../../src/engine/decision";
import { recordedForward } from "../../src/engine/recordedForward";
import { argmax } from "../../src/engine/reduce";

const POINTS = [
  { x: -1.5, y: 0.25, label: 0 },
  { x: 2, y: -0.75, label: 1 },
  { x: 0.5, y: 1.5, label: 1 },
];

/** the picture the way it was always made: forward at each point, a graph of values each time */
function called(forward: (x: number[]) => Value[]): (x: number, y: number) => number {
  return (x, y) => {
    const out = forward([x, y]);
    return out.length === 1 ? out[0].data : argmax(out);
  };
}

describe("recordedForward: showDecision's model worked out again per point", () => {
  const models: [string, MLP | Layer | Neuron][] = [
    ["a tanh MLP(2, [4, 1])", new MLP(2, [4, 1], { seed: 3 })],
    ["a relu MLP(2, [16, 16, 1]) (micrograd's moons)", new MLP(2, [16, 16, 1], { activation: "relu", seed: 3 })],
    ["an MLP of three outputs (the class picked)", new MLP(2, [5, 3], { seed: 11 })],
    ["a sigmoid Layer of two neurons", new Layer(2, 2, { activation: "sigmoid", seed: 2 })],
    ["one Neuron", new Neuron(2, { seed: 4 })],
  ];
  for (const [name, model] of models) {
    it(`${name}: every grid value equals forward's`, () => {
      const fast = recordedForward(model, POINTS[0].x, POINTS[0].y);
      assert.ok(fast, "a library module is recorded");
      const slow = decisionOf(
        called((x) => model.forward(x)),
        POINTS,
      );
      const quick = decisionOf(fast, POINTS);
      assert.strictEqual(quick.grid.values.length, 40 * 40);
      assert.deepStrictEqual(quick, slow);
      // the picture is not flat: the check above compares numbers that vary over the plane
      assert.ok(new Set(slow.grid.values).size > 1);
    });
  }

  it("follows the parameters' data at the time it is recorded", () => {
    const model = new MLP(2, [3, 1], { seed: 1 });
    const before = recordedForward(model, 0, 0)!;
    const at = before(0.3, -0.2);
    for (const p of model.parameters()) p.data += 0.1;
    const after = recordedForward(model, 0, 0)!;
    assert.strictEqual(before(0.3, -0.2), at, "a recorded forward keeps its numbers");
    assert.strictEqual(after(0.3, -0.2), model.forward([0.3, -0.2])[0].data);
    assert.notStrictEqual(after(0.3, -0.2), at);
  });

  it("leaves a script's own function and a module whose forward was replaced to be called as they are", () => {
    assert.strictEqual(
      recordedForward((x: number[]) => x[0], 0, 0),
      null,
    );
    const branching = new MLP(2, [2, 1], { seed: 1 });
    branching.forward = (x) => (Number(x[0]) > 0 ? [new Value(1)] : [new Value(-1)]);
    assert.strictEqual(recordedForward(branching, 0, 0), null);
    class Mine extends MLP {
      override forward(x: readonly (Value | number)[]): Value[] {
        return Number(x[0]) > 0 ? super.forward(x) : [new Value(0)];
      }
    }
    assert.strictEqual(recordedForward(new Mine(2, [1]), 1, 1), null);
  });
});

// the worker builds a drawn call's trace without its steps (buildTrace's steps: false) and the
// columns work them out again from the nodes (src/shared/stepReplay.ts): that must give the steps
// the pass recorded (tape.ts), every number bit for bit, on every kind of graph
import * as assert from "node:assert";
import { MLP, Value, buildTrace, manualGrad, mse, tensor } from "../../src/engine";
import { callOf } from "./traceOf";
import { replaySteps } from "../../src/shared/stepReplay";
import { decodeTrace, encodeTrace } from "../../src/shared/traceColumns";

const GRAPHS: [string, () => Value][] = [
  [
    "an MLP's loss, its grads added to those of a pass before",
    () => {
      const model = new MLP(2, [4, 3, 1], { seed: 9 });
      const loss = () =>
        mse(
          [
            [0.5, -1],
            [2, 0.25],
          ].map((x) => model.forward(x)),
          [1, -1],
        );
      loss().backward();
      return loss();
    },
  ],
  [
    "pow, div, exp, log, relu and a value used twice",
    () => {
      const a = new Value(1.5, "a");
      const b = new Value(-0.5, "b");
      return a.pow(3).div(b.exp()).add(a.mul(a).log()).add(b.relu()).sub(a.sigmoid());
    },
  ],
  [
    "NaN, infinities and -0 on the way",
    () => {
      const z = new Value(-0, "z");
      return z.log().mul(new Value(Infinity)).add(z.mul(-0)).add(new Value(NaN));
    },
  ],
  [
    "a hand-written op, with and without its forward formula",
    () => {
      const x = new Value(0.3, "x");
      const s = 1 / (1 + Math.exp(-0.3));
      const y = manualGrad("sigmoid*", [x], s, [s * (1 - s)], ([u]) => 1 / (1 + Math.exp(-u)));
      return manualGrad("twice", [y, x], 2 * y.data + x.data, [2, 1]).tanh();
    },
  ],
  [
    "tensor ops (a matmul, a broadcast add, a sum)",
    () => {
      const X = tensor(
        [
          [1, 2],
          [3, -1],
        ],
        "X",
      );
      const W = tensor(
        [
          [0.5, -0.25, 1],
          [0.75, 0.1, -2],
        ],
        "W",
      );
      const b = tensor([0.1, 0.2, 0.3], "b");
      return X.matmul(W).add(b).tanh().sum().values[0];
    },
  ],
];

describe("steps worked out from a step-less trace", () => {
  for (const [name, make] of GRAPHS) {
    it(`${name}: the pass's own steps`, () => {
      const call = callOf(make());
      const recorded = call.steps!;
      assert.ok(recorded.length > 0);
      const lean = buildTrace(call, { steps: false });
      assert.deepStrictEqual(lean.steps, []);
      assert.strictEqual(lean.recorded, true);
      assert.deepStrictEqual(replaySteps(lean.nodes), recorded);
      // the trace through its columns is the full trace, as buildTrace makes it with its steps
      const full = buildTrace(call);
      assert.deepStrictEqual(lean.nodes, full.nodes);
      const back = decodeTrace(encodeTrace(lean, { stepsFromNodes: true })!);
      assert.deepStrictEqual(back, full);
      assert.strictEqual(JSON.stringify(back), JSON.stringify(full));
    });
  }
});

// traces of the lessons' small networks, made by the real engine, shared by the page's unit tests
import { MLP, Neuron, hingeLoss, mse, xor, type Trace, type Value } from "../../src/engine";
import type { RunResult } from "../../src/shared/protocol";
import { traceOf } from "./traceOf";

/** MLP(2,[4,1]) on the 4 xor samples, mse: 4 samples (fewer than SERIES_MIN, so no series) */
export function xorTrace(): Trace {
  const m = new MLP(2, [4, 1], { seed: 1 });
  const d = xor();
  return traceOf(
    mse(
      d.X.map((x) => m.forward(x)[0]),
      d.y,
    ),
  );
}

/** the hinge loss of a 2-input model on 6 samples, labels ±1 */
export function hingeOnSix(m: MLP): Value {
  const X = [
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
    [2, 1],
    [1, 2],
  ];
  return hingeLoss(
    X.map((x) => m.forward(x)[0]),
    [1, -1, -1, 1, 1, -1],
  );
}

/** MLP(2,[3,1]) on 6 samples, hinge loss: the samples and the terms fold into series */
export function hingeTrace(): Trace {
  return traceOf(hingeOnSix(new MLP(2, [3, 1], { seed: 2 })));
}

/** one Neuron called once: its weights are drawn inside its call */
export function neuronTrace(): Trace {
  return traceOf(new Neuron(2, { seed: 3 }).output([1, -2]));
}

/** a run's result holding just this trace, as the page gets it */
export function resultOf(trace: Trace): RunResult {
  return { file: "t.ts", calls: [], trace, elapsedMs: 0 };
}

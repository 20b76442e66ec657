// what v8 should know about the engine's objects before a script's first value. a training loop's
// first step is the first time v8 sees most of the engine run, and it compiles the hot functions
// (a value's constructor, its ops, a neuron's output) from what the first thousands of values
// showed it: a model's call makes values of numbers and values, each in a module's group; only
// then does the loss bring the rest (a number lifted into a value, pow's exponent in a value's
// record, a helper's group with no module, a mark written again by the next sort). each of those
// was new to the compiled code, which v8 threw away and compiled again: the moons loop's second
// step ran at the speed of its first (~62 ms; primed, ~24: medians of 10 interleaved runs).
//
// primeEngine() runs each of those paths once, on a tiny graph the script never sees, before the
// script's first line: v8's first compile then covers them. nothing it made stays: ids, group ids
// and call counts start again as in a fresh process (test/unit/runner.test.ts checks a script's).
// no tensor op runs here: a process of scalars only would then look for tensor groups in every sort

import { Value, restartValueIds } from "./value";
import { inGroup, restartGroupIds, withModule } from "./group";
import { restartCallCount } from "./recorder";
import { MLP } from "./nn/mlp";
import { mse } from "./nn/losses";

/** @internal the worker's, once, before the script: runs the engine's paths on a throwaway graph, then restarts its counts */
export function primeEngine(): void {
  const model = new MLP(2, [2, 1], { seed: 1, name: "prime" });
  const x = new Value(0.5, "x");
  const y = new Value(1.5);
  const outs = [model.forward([0.25, 0.75])[0], model.forward([x, y])[0]];
  const ops = withModule("prime/ops", () => [
    x.add(y),
    x.add(0.5),
    x.sub(y),
    x.sub(0.5),
    x.mul(y),
    x.mul(1.5),
    x.div(y),
    x.div(2.5),
    x.pow(2),
    x.pow(0.5),
    x.neg(),
    x.exp(),
    x.log(),
    x.tanh(),
    x.relu(),
    x.sigmoid(),
    x.rsub(1.5),
    x.rdiv(0.5),
  ]);
  const loss = inGroup("sum", "prime", () =>
    mse(
      [...outs, ...ops],
      [...outs, ...ops].map((_, i) => i * 0.5 + 0.25),
    ),
  );
  loss.label = "prime";
  for (const v of [x, y, loss, ...outs, ...ops]) {
    v.grad = 0.5;
    v.data = v.data + 0.25;
    v._mark = 1;
    v._mark = 2;
  }
  restartValueIds();
  restartGroupIds();
  restartCallCount();
}

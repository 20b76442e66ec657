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
//
// warmEngine() goes further, for a worker that waits for its run (the extension keeps one ready,
// runner/warm.ts): a few training steps of a lesson-sized net, so that v8 has compiled the engine's
// hot code (a value's constructor and ops, a neuron's output, the sort, the chain rule, the
// optimizer's step) before the script starts; a script's first step used to run it as baseline
// code while v8 compiled it. ~75 ms of the waiting worker's own time. a worker started for a run
// at once (`backprop-stepper run`) only primes: a small script would wait for the warm-up

import { Value, restartValueIds } from "./value";
import { inGroup, restartGroupIds, withModule } from "./group";
import { restartCallCount } from "./recorder";
import { MLP } from "./nn/mlp";
import { mse } from "./nn/losses";
import { SGD } from "./nn/sgd";

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
  restartCounts();
}

// the warm-up's net and batch: a lesson's size (xor's, two moons'), in the order a training step runs
const WARM_POINTS = 10;
const WARM_STEPS = 3;

/** @internal a waiting worker's, after primeEngine: a few training steps on a throwaway net, then the counts restart */
export function warmEngine(): void {
  try {
    const model = new MLP(2, [16, 16, 1], { seed: 2, name: "warm" });
    const opt = new SGD(model.parameters(), { lr: 0.01 });
    const xs: number[][] = [];
    const ys: number[] = [];
    for (let i = 0; i < WARM_POINTS; i++) {
      xs.push([Math.cos(i), Math.sin(i)]);
      ys.push(i % 2 === 0 ? 1 : -1);
    }
    for (let step = 0; step < WARM_STEPS; step++) {
      const loss = mse(
        xs.map((x) => model.forward(x)),
        ys,
      );
      model.zeroGrad();
      loss.backward();
      opt.step();
    }
  } finally {
    restartCounts();
  }
}

/** ids, group ids and backward() calls start again, as in a fresh process */
function restartCounts(): void {
  restartValueIds();
  restartGroupIds();
  restartCallCount();
}

// a learner's short training loop, for `npm run bench` to run through the product (`backprop-stepper
// run`, as the extension runs it): 20 steps of the engine bench's workload (MLP(2, [16, 16, 1]),
// 100 two-moons points, whole-batch mse, sgd), from the script's first line, with nothing warmed up.
// prints one json line: each step's ms, in order, and the process's cpu ms in each (all threads:
// the garbage collector's helpers too), a figure less swayed by other work on the machine.
import { MLP, SGD, mse, twoMoons } from "backprop-stepper";

const STEPS = Number(process.env.BENCH_STEPS ?? 20);

const data = twoMoons(100, 0.1, 1);
const model = new MLP(2, [16, 16, 1], { seed: 42 });
const opt = new SGD(model.parameters(), { lr: 0.01 });

const ms: number[] = [];
const cpu: number[] = [];
for (let i = 0; i < STEPS; i++) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const preds = data.X.map((x) => model.forward(x));
  const loss = mse(preds, data.y);
  model.zeroGrad();
  loss.backward();
  opt.step();
  ms.push(performance.now() - t0);
  const c = process.cpuUsage(c0);
  cpu.push((c.user + c.system) / 1000);
}
console.log(JSON.stringify({ ms, cpu }));

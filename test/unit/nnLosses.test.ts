// losses and optimizers against hand-derived numbers and pytorch's (float64) numbers.

import { strict as assert } from "node:assert";
import {
  Adam,
  SGD,
  Value,
  binaryCrossEntropy,
  hingeLoss,
  l2,
  mse,
  softmax,
  softmaxCrossEntropy,
  sum,
  mean,
  argmax,
} from "../../src/engine";
import { close } from "./engineProgram";

const values = (xs: number[], label = "p") => xs.map((x, i) => new Value(x, `${label}${i}`));

describe("losses", () => {
  it("mse: mean squared error and grads 2(p - t)/n", () => {
    const p = values([0.5, -1, 2]);
    const loss = mse(p, [1, -1, 0]);
    assert.equal(loss.data, (0.25 + 0 + 4) / 3);
    loss.backward();
    assert.deepEqual(
      p.map((v) => v.grad),
      [(2 * -0.5) / 3, 0, (2 * 2) / 3],
    );
  });

  it("mse takes forward()'s arrays as they come", () => {
    const p = values([0.5, 2]);
    assert.equal(mse([[p[0]], [p[1]]], [[1], [0]]).data, mse(p, [1, 0]).data);
    assert.throws(() => mse(p, [1]), /2 predictions but 1 targets/);
  });

  it("hingeLoss: mean(relu(1 - y·score)), micrograd's max-margin", () => {
    const s = values([0.4, -2, 3]);
    const loss = hingeLoss(s, [1, -1, -1]);
    assert.ok(close(loss.data, (0.6 + 0 + 4) / 3, 1e-15));
    loss.backward();
    assert.deepEqual(
      s.map((v) => v.grad),
      [-1 / 3, 0, 1 / 3],
    );
  });

  it("binaryCrossEntropy on probabilities matches pytorch", () => {
    const p = values([0.9, 0.2, 0.6]);
    const loss = binaryCrossEntropy(p, [1, 0, 0.3]);
    loss.backward();
    // torch.nn.functional.binary_cross_entropy, float64
    assert.ok(close(loss.data, 0.37438508880458055));
    const want = [-0.3703703703703704, 0.4166666666666666, 0.4166666666666667];
    p.forEach((v, i) => assert.ok(close(v.grad, want[i]), `${v.grad} vs ${want[i]}`));
  });

  it("softmaxCrossEntropy: value as pytorch, grads = softmax - onehot", () => {
    const l = values([1, 2, -0.5], "l");
    const loss = softmaxCrossEntropy(l, 1);
    loss.backward();
    assert.ok(close(loss.data, 0.37153903185268283)); // torch cross_entropy
    const e = [1, 2, -0.5].map(Math.exp);
    const z = e[0] + e[1] + e[2];
    l.forEach((v, i) => assert.ok(close(v.grad, e[i] / z - (i === 1 ? 1 : 0)), `${v.grad}`));
  });

  it("softmaxCrossEntropy stays finite for huge logits", () => {
    const l = values([1000, 1001, -1000], "l");
    const loss = softmaxCrossEntropy(l, 0);
    loss.backward();
    assert.ok(close(loss.data, Math.log(1 + Math.exp(1)), 1e-12));
    assert.ok(l.every((v) => Number.isFinite(v.grad)));
    assert.throws(() => softmaxCrossEntropy(l, 3), /not a class index/);
  });

  it("softmax sums to one", () => {
    const s = softmax(values([0.5, 3, -1]));
    assert.ok(
      close(
        s.reduce((a, v) => a + v.data, 0),
        1,
        1e-15,
      ),
    );
  });

  it("l2, sum, mean, argmax", () => {
    const p = values([1, -2]);
    const r = l2(p, 0.5);
    assert.equal(r.data, 2.5);
    r.backward();
    assert.deepEqual(
      p.map((v) => v.grad),
      [1, -2],
    );
    assert.equal(sum([1, 2, new Value(3)]).data, 6);
    assert.equal(sum([]).data, 0);
    assert.equal(mean([1, 2, 6]).data, 3);
    assert.equal(argmax([0.1, new Value(3), 3, -1]), 1);
  });
});

describe("optimizers", () => {
  /** two steps with fixed grads, as pytorch's optimizers would see them */
  function twoSteps(make: (ps: Value[]) => { step(): void }): number[][] {
    const ps = values([0.5, -1.5]);
    const opt = make(ps);
    const out: number[][] = [];
    for (const g of [
      [0.2, -3],
      [0.1, 1],
    ]) {
      ps.forEach((p, i) => (p.grad = g[i]));
      opt.step();
      out.push(ps.map((p) => p.data));
    }
    return out;
  }

  it("SGD: p -= lr·grad", () => {
    assert.deepEqual(
      twoSteps((ps) => new SGD(ps, { lr: 0.1 })),
      [
        [0.48, -1.2],
        [0.47, -1.3],
      ],
    );
  });

  it("SGD with momentum matches torch.optim.SGD", () => {
    const got = twoSteps((ps) => new SGD(ps, { lr: 0.1, momentum: 0.9 }));
    const want = [
      [0.48, -1.2],
      [0.45199999999999996, -1.03],
    ];
    got.flat().forEach((x, i) => assert.ok(close(x, want.flat()[i], 1e-15), `${x} vs ${want.flat()[i]}`));
  });

  it("Adam: first step is lr·g/(|g| + eps) by hand; two steps match torch.optim.Adam", () => {
    const got = twoSteps((ps) => new Adam(ps, { lr: 0.1 }));
    // by hand: m̂ = g, v̂ = g² after one step
    assert.ok(close(got[0][0], 0.5 - (0.1 * 0.2) / (0.2 + 1e-8), 1e-15));
    assert.ok(close(got[0][1], -1.5 - (0.1 * -3) / (3 + 1e-8), 1e-15));
    const want = [
      [0.40000000499999977, -1.4000000003333333],
      [0.3067820470153658, -1.3599781433169098],
    ];
    got.flat().forEach((x, i) => assert.ok(close(x, want.flat()[i], 1e-14), `${x} vs ${want.flat()[i]}`));
  });

  it("zeroGrad zeroes the optimizer's parameters", () => {
    const ps = values([1, 2]);
    ps.forEach((p) => (p.grad = 3));
    new Adam(ps).zeroGrad();
    assert.deepEqual(
      ps.map((p) => p.grad),
      [0, 0],
    );
  });
});

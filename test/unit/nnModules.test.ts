// neurons, layers, MLPs: shapes, labels, module paths, seeds, and learning xor.

import { strict as assert } from "node:assert";
import { Layer, MLP, Neuron, Value, mse, xor, Adam, SGD, topoOrder } from "../../src/engine";

describe("nn modules", () => {
  it("forward always returns an array, even for one output", () => {
    assert.equal(new Neuron(2).forward([1, 2]).length, 1);
    assert.equal(new Layer(2, 1).forward([1, 2]).length, 1);
    assert.equal(new Layer(2, 3).forward([1, 2]).length, 3);
    assert.equal(new MLP(2, [4, 1]).forward([1, 2]).length, 1);
    assert.ok(new MLP(2, [4, 1]).forward([1, 2])[0] instanceof Value);
  });

  it("counts parameters as micrograd does", () => {
    assert.equal(new Neuron(3).parameters().length, 4);
    assert.equal(new Layer(3, 4).parameters().length, 16);
    assert.equal(new MLP(3, [4, 4, 1]).parameters().length, 41);
    assert.equal(new MLP(2, [16, 16, 1]).parameters().length, 337);
  });

  it("computes activation(w·x + b)", () => {
    const n = new Neuron(2, { activation: "tanh" });
    const [w0, w1] = n.w.map((w) => w.data);
    const y = n.forward([0.5, -2])[0];
    assert.equal(y.data, Math.tanh(0 + w0 * 0.5 + w1 * -2));
    assert.equal(y.op, "tanh");
    for (const [act, op] of [
      ["relu", "relu"],
      ["sigmoid", "sigmoid"],
      ["linear", "+"],
    ] as const) {
      assert.equal(new Neuron(2, { activation: act }).forward([1, 1])[0].op, op);
    }
  });

  it("MLP: hidden layers tanh by default, last layer linear", () => {
    const m = new MLP(2, [3, 2]);
    assert.deepEqual(
      m.layers.map((l) => l.neurons[0].activation),
      ["tanh", "linear"],
    );
    const r = new MLP(2, [3, 2], { activation: "relu", lastActivation: "sigmoid" });
    assert.deepEqual(
      r.layers.map((l) => l.neurons[0].activation),
      ["relu", "sigmoid"],
    );
  });

  it("labels parameters and tags every value it makes with its module path", () => {
    const m = new MLP(2, [3, 1]);
    const ps = m.parameters();
    assert.deepEqual(
      ps.slice(0, 3).map((p) => `${p.module}:${p.label}`),
      ["MLP/L1/N1:w0", "MLP/L1/N1:w1", "MLP/L1/N1:b"],
    );
    assert.equal(ps[ps.length - 1].module, "MLP/L2/N1");
    const [y] = m.forward([1, 2]);
    const made = topoOrder(y).filter((v) => !ps.includes(v));
    for (const v of made) assert.ok(v.module?.startsWith("MLP"), `${v.op} ${v.label} has module ${v.module}`);
    const inputs = made.filter((v) => v.op === "");
    assert.deepEqual(
      inputs.map((v) => `${v.module}:${v.label}`),
      ["MLP:x0", "MLP:x1"],
    ); // lifted once, not per neuron
    assert.equal(y.module, "MLP/L2/N1");
    assert.equal(new MLP(1, [1], { name: "net" }).parameters()[0].module, "net/L1/N1");
  });

  it("the same seed gives the same weights; another seed others", () => {
    const w = (seed?: number) => new MLP(2, [4, 1], seed === undefined ? {} : { seed }).parameters().map((p) => p.data);
    assert.deepEqual(w(), w(42));
    assert.deepEqual(w(5), w(5));
    assert.notDeepEqual(w(5), w(6));
    const ws = new Layer(2, 2).neurons.map((n) => n.w[0].data);
    assert.notEqual(ws[0], ws[1]); // neurons of a layer share one generator, not one seed each
  });

  it("says clearly when the input size is wrong", () => {
    assert.throws(() => new MLP(2, [3, 1]).forward([1, 2, 3]), /MLP expects 2 inputs, got 3/);
  });

  it("zeroGrad zeroes every parameter", () => {
    const m = new MLP(2, [3, 1]);
    m.forward([1, 2])[0].backward();
    assert.ok(m.parameters().some((p) => p.grad !== 0));
    m.zeroGrad();
    assert.ok(m.parameters().every((p) => p.grad === 0));
  });

  const learners: [string, (ps: Value[]) => { step(): void; zeroGrad(): void }, number][] = [
    ["SGD", (ps) => new SGD(ps, { lr: 0.1, momentum: 0.9 }), 500],
    ["Adam", (ps) => new Adam(ps, { lr: 0.05 }), 500],
  ];
  for (const [name, make, steps] of learners) {
    it(`a 2-4-1 MLP learns xor with ${name} (loss < 0.01)`, () => {
      const { X, y } = xor();
      const m = new MLP(2, [4, 1], { seed: 42 });
      const opt = make(m.parameters());
      let loss = Infinity;
      for (let i = 0; i < steps && loss >= 0.01; i++) {
        const l = mse(
          X.map((x) => m.forward(x)),
          y,
        );
        opt.zeroGrad();
        l.backward();
        opt.step();
        loss = l.data;
      }
      assert.ok(loss < 0.01, `loss ${loss}`);
      const preds = X.map((x) => m.forward(x)[0].data);
      preds.forEach((p, i) => assert.ok(Math.abs(p - y[i]) < 0.2, `xor(${X[i]}) = ${p}`));
    });
  }
});

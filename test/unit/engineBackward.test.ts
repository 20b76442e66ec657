// backward: topological order, pytorch-like accumulation, deep graphs, hand-written ops, and the
// listener / recording switches.

import { strict as assert } from "node:assert";
import { Value, manualGrad, topoOrder, setBackwardListener, setRecording, withModule, type BackwardCall } from "../../src/engine";
import { releaseCall } from "../../src/engine/recorder";

/** runs fn with a listener installed; returns the calls it heard */
function listen(fn: () => void): BackwardCall[] {
  const calls: BackwardCall[] = [];
  setBackwardListener((c) => calls.push(c));
  try {
    fn();
  } finally {
    setBackwardListener(null);
  }
  return calls;
}

function diamond() {
  const a = new Value(0.5, "a");
  const b = a.mul(2); // b and c both read a
  const c = a.add(3);
  const d = b.mul(c);
  return { a, b, c, d };
}

describe("topoOrder", () => {
  it("lists every reachable value once, children before parents, root last", () => {
    const { a, b, c, d } = diamond();
    const order = topoOrder(d);
    assert.equal(order[order.length - 1], d);
    assert.equal(new Set(order).size, order.length);
    assert.equal(order.length, 6); // a, 2, b, 3, c, d
    const pos = new Map(order.map((v, i) => [v, i]));
    for (const v of order) for (const ch of v.children) assert.ok(pos.get(ch)! < pos.get(v)!);
    assert.ok(pos.get(a)! < pos.get(b)! && pos.get(b)! < pos.get(c)!);
  });

  it("matches micrograd's build_topo order (children in order, post-order)", () => {
    const x = new Value(1, "x");
    const y = new Value(2, "y");
    const s = x.add(y);
    const t = s.mul(x);
    assert.deepEqual(
      topoOrder(t).map((v) => v.label || v.op),
      ["x", "y", "+", "*"],
    );
  });

  it("sorts a graph again after it grew", () => {
    const { d } = diamond();
    assert.equal(topoOrder(d).length, 6);
    const e = d.tanh();
    assert.equal(topoOrder(e).length, 7);
    assert.equal(topoOrder(d).length, 6);
  });
});

describe("backward", () => {
  it("fills grads by the chain rule (diamond: a is read twice)", () => {
    const { a, b, c, d } = diamond();
    d.backward();
    // d = 2a(a+3): dd/da = 4a + 6
    assert.equal(a.grad, 4 * 0.5 + 6);
    assert.equal(b.grad, c.data);
    assert.equal(c.grad, b.data);
    assert.equal(d.grad, 1);
  });

  it("accumulates like pytorch: a second backward without zeroing doubles every grad exactly", () => {
    const { a, b, c, d } = diamond();
    const e = d.tanh().mul(d); // a deeper graph, where micrograd would triple inner grads
    e.backward();
    const first = [a, b, c, d, e].map((v) => v.grad);
    e.backward();
    const second = [a, b, c, d, e].map((v) => v.grad);
    for (let i = 0; i < first.length; i++)
      assert.ok(Math.abs(second[i] - 2 * first[i]) <= 1e-12 * Math.abs(first[i]), `${i}: ${second[i]} vs 2·${first[i]}`);
  });

  it("doubles bit-for-bit when the numbers are exact (dyadic)", () => {
    const a = new Value(0.5, "a");
    const b = new Value(-0.25, "b");
    const y = a.mul(b).add(a).mul(a).sub(b.mul(b));
    y.backward();
    const g = [a.grad, b.grad];
    y.backward();
    assert.deepEqual([a.grad, b.grad], [2 * g[0], 2 * g[1]]);
    assert.equal(y.grad, 2);
  });

  it("tells whether grads were accumulated", () => {
    const { d } = diamond();
    const calls = listen(() => {
      d.backward();
      d.backward();
    });
    assert.deepEqual(
      calls.map((c) => c.accumulated),
      [false, true],
    );
    assert.equal(calls[1].index, calls[0].index + 1);
  });

  it("runs on a 1,000,000-node chain (no recursion)", function () {
    this.timeout(20000);
    const x = new Value(1.5, "x");
    let v = x;
    for (let i = 0; i < 1_000_000; i++) v = v.neg();
    assert.equal(topoOrder(v).length, 1_000_001);
    v.backward();
    assert.equal(v.data, 1.5);
    assert.equal(x.grad, 1);
  });

  it("records a 1,000,000-node chain for a listener too", function () {
    this.timeout(20000);
    const x = new Value(2, "x");
    let v = x;
    for (let i = 0; i < 1_000_000; i++) v = v.mul(1);
    const [call] = listen(() => v.backward());
    assert.equal(call.order.length, 2_000_001);
    assert.equal(call.steps!.length, 1_000_000);
    assert.equal(x.grad, 1);
  });
});

describe("manualGrad", () => {
  it("a hand-written sigmoid gives the built-in sigmoid's value and grad, and shows its name", () => {
    const x1 = new Value(0.3, "x");
    const s = 1 / (1 + Math.exp(-x1.data));
    const y1 = manualGrad("sigmoid*", [x1], s, [s * (1 - s)]);
    const x2 = new Value(0.3, "x");
    const y2 = x2.sigmoid();
    y1.mul(3).backward();
    y2.mul(3).backward();
    assert.equal(y1.op, "sigmoid*");
    assert.deepEqual(y1.children, [x1]);
    assert.ok(Math.abs(y1.data - y2.data) < 1e-15);
    assert.ok(Math.abs(x1.grad - x2.grad) < 1e-15);
  });

  it("takes any number of children (numbers become leaves) and steps like a built-in op", () => {
    const a = new Value(1, "a");
    const b = new Value(2, "b");
    // f(a, b, c) = a·b·c with c = 4
    const y = manualGrad("abc", [a, b, 4], 8, [8, 4, 2]);
    const [call] = listen(() => y.backward());
    assert.deepEqual([a.grad, b.grad], [8, 4]);
    assert.equal(y.children[2].data, 4);
    assert.deepEqual(call.steps, [
      {
        node: y.id,
        upstream: 1,
        updates: [
          { child: a.id, local: 8, before: 0, after: 8 },
          { child: b.id, local: 4, before: 0, after: 4 },
          { child: y.children[2].id, local: 2, before: 0, after: 2 },
        ],
      },
    ]);
  });

  it("refuses a locals list that does not match the children", () => {
    assert.throws(() => manualGrad("bad", [new Value(1)], 1, []), /1 children but 0 local/);
  });
});

describe("listener and recording", () => {
  it("hears every call with its order; steps only while recording", () => {
    const { d } = diamond();
    const calls = listen(() => {
      d.backward();
      setRecording(false);
      try {
        d.backward();
      } finally {
        setRecording(true);
      }
    });
    assert.equal(calls.length, 2);
    assert.equal(calls[0].root, d);
    assert.equal(calls[0].order.length, 6);
    assert.equal(calls[0].steps!.length, 3);
    assert.equal(calls[1].steps, null);
    assert.equal(calls[1].gradBefore, null);
  });

  it("tapes each value's grad before the pass and the leaves' places, as the graph has them (a second pass accumulates)", () => {
    const { a, d } = diamond();
    const k = manualGrad("k", [a, d], a.data + d.data, [1, 1]);
    a.grad = 0.25; // a grad left from before: the pass accumulates onto it
    const [first, second] = listen(() => {
      k.backward();
      k.backward();
    });
    for (const call of [first, second]) {
      const { order } = call;
      assert.equal(order[order.length - 1], k);
      // a leaf is a value with no children: a and the 2 and 3 that mul and add lifted
      const leaves = order.flatMap((v, i) => (v.children.length === 0 ? [i] : []));
      assert.deepEqual([...call.leaves!], leaves);
      assert.deepEqual(
        leaves.map((i) => order[i]),
        order.filter((v) => v.children.length === 0),
      );
      assert.equal(leaves.length, 3);
    }
    // before the first pass only a's grad was set; the second starts from the first's grads
    assert.deepEqual(
      [...first.gradBefore!],
      first.order.map((v) => (v === a ? 0.25 : 0)),
    );
    assert.deepEqual([...second.gradBefore!], [...first.gradAfter!]);
    assert.equal(first.accumulated, true);
    assert.equal(second.accumulated, true);
  });

  it("a released call reads as unrecorded, and its tape's arrays carry the next pass's own numbers", () => {
    const diamondAt = (x: number, grad = 0) => {
      const a = new Value(x, "a");
      a.grad = grad;
      return a.mul(2).mul(a.add(3));
    };
    const [first] = listen(() => diamondAt(0.5).backward());
    const arrays = [first.gradBefore!, first.gradAfter!, first.data!];
    releaseCall(first);
    assert.equal(first.gradBefore, null);
    assert.equal(first.gradAfter, null);
    assert.equal(first.data, null);
    assert.equal(first.steps, null);
    releaseCall(first); // a second release hands nothing back twice
    // a graph of the same size: its pass is taped into the arrays handed back, with its own numbers
    const [second] = listen(() => diamondAt(2, 0.25).backward());
    assert.ok(arrays.includes(second.gradAfter!) && arrays.includes(second.data!) && arrays.includes(second.gradBefore!));
    assert.equal(new Set([second.gradBefore, second.gradAfter, second.data]).size, 3);
    // the same pass again, into new arrays: the same numbers
    const [third] = listen(() => diamondAt(2, 0.25).backward());
    assert.ok(!arrays.includes(third.data!));
    for (const key of ["gradBefore", "gradAfter", "data"] as const) assert.deepEqual([...second[key]!], [...third[key]!]);
    // and they are its graph's: a = 2 with a grad of 0.25 before, d = (2a)(a + 3) = 20, dd/da = 4a + 6 = 14
    assert.equal(second.root.data, 20);
    assert.deepEqual(
      [...second.data!],
      second.order.map((v) => v.data),
    );
    assert.deepEqual(
      [...second.gradAfter!],
      second.order.map((v) => v.grad),
    );
    const at = second.order.findIndex((v) => v.label === "a");
    assert.equal(second.gradBefore![at], 0.25);
    assert.equal(second.gradAfter![at], 14.25);
  });

  it("a released call names no value: its order is empty, and the array it had holds none of the graph", () => {
    // an order kept past a scavenge sits in v8's old generation until a full collection: were its
    // places left as they were, it would keep the whole graph through every scavenge till then
    for (const tapes of [true, false]) {
      const calls: BackwardCall[] = [];
      setBackwardListener((c) => calls.push(c), { tapes });
      try {
        const { d } = diamond();
        d.backward();
        const [call] = calls;
        const had = call.order;
        assert.equal(had.length, 6);
        releaseCall(call);
        assert.equal(call.order.length, 0);
        assert.ok(
          had.every((v) => v === null),
          `tapes: ${tapes}`,
        );
        assert.equal(call.steps, null);
        assert.equal(call.root, d); // what the call was of stays: its index, root and whether it accumulated
      } finally {
        setBackwardListener(null);
      }
    }
  });

  it("counts calls made with no listener", () => {
    const { d } = diamond();
    const [c1] = listen(() => d.backward());
    d.backward();
    const [c2] = listen(() => d.backward());
    assert.equal(c2.index, c1.index + 2);
  });
});

describe("module scope", () => {
  it("tags values created inside withModule, nested and restored", () => {
    const x = new Value(1);
    const [y, z] = withModule("M", () => {
      const y = x.mul(2);
      const z = withModule("M/inner", () => y.add(1));
      return [y, z];
    });
    assert.equal(x.module, undefined);
    assert.equal(y.module, "M");
    assert.equal(y.children[1].module, "M"); // the lifted constant too
    assert.equal(z.module, "M/inner");
    assert.equal(x.add(1).module, undefined);
  });
});

"""writes test/fixtures/tensor-ops.json: pytorch's float64 values and grads of every tensor op of
the engine (src/engine/tensor/), which test/unit/tensorOps.test.ts replays on the engine:
broadcasting in every pair of the shapes below (the pairs that do not broadcast marked as errors),
matmul with vectors on either side, transpose, sum and mean per axis, the elementwise functions,
Linear, the losses, and the lessons' networks written with tensors (test/fixtures/tensor-nets.json).

    /usr/bin/python3 test/torch/make_tensor_fixtures.py     # needs torch (debian: apt-get install python3-torch)

each case is a small program over named registers; its root is sum(last * R), R fixed numbers of the
last register's shape, so no grad is trivially one.
"""
import json
import math
import os
import random

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "fixtures")
T = torch.float64


class Random:
    """src/engine/random.ts (mulberry32), bit for bit"""

    def __init__(self, seed):
        self.state = seed & 0xFFFFFFFF

    def next(self):
        self.state = (self.state + 0x6D2B79F5) & 0xFFFFFFFF
        t = self.state
        t = ((t ^ (t >> 15)) * (t | 1)) & 0xFFFFFFFF
        t ^= (t + (((t ^ (t >> 7)) * (t | 61)) & 0xFFFFFFFF)) & 0xFFFFFFFF
        return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296

    def uniform(self, a=0.0, b=1.0):
        return a + (b - a) * self.next()


def linear_init(nin, nout, seed):
    """src/engine/tensor/linear.ts: W [nin, nout] then b [nout], uniform in ±1/√nin, row-major"""
    r = Random(seed)
    bound = 1 / math.sqrt(nin)
    W = [[r.uniform(-bound, bound) for _ in range(nout)] for _ in range(nin)]
    b = [r.uniform(-bound, bound) for _ in range(nout)]
    return W, b


rnd = random.Random(17)


def numbers(shape, lo=-2.0, hi=2.0, away=0.0):
    def one():
        x = rnd.uniform(lo, hi)
        while abs(x) < away:
            x = rnd.uniform(lo, hi)
        return x

    if shape == []:
        return one()
    if len(shape) == 1:
        return [one() for _ in range(shape[0])]
    return [[one() for _ in range(shape[1])] for _ in range(shape[0])]


def shape_of(data):
    if isinstance(data, (int, float)):
        return []
    if len(data) == 0 or not isinstance(data[0], list):
        return [len(data)]
    return [len(data), len(data[0])]


def run(case):
    regs = {}
    for name, data in case["inputs"].items():
        regs[name] = torch.tensor(data, dtype=T, requires_grad=True)

    def arg(a):
        if a is None or isinstance(a, list):
            return a
        return regs[a] if isinstance(a, str) else float(a)

    for step in case["program"]:
        out, op, args = step[0], step[1], step[2:]
        a = [arg(x) for x in args]
        if op in ("add", "sub", "mul", "div"):
            x, y = a
            if not torch.is_tensor(x):
                x = torch.tensor(x, dtype=T)
            t = {"add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": torch.div}[op](x, y)
        elif op == "matmul":
            t = torch.matmul(a[0], a[1])
        elif op == "transpose":
            t = a[0].T if a[0].dim() == 2 else a[0] * 1
        elif op in ("sum", "mean"):
            axis = args[1]
            f = torch.sum if op == "sum" else torch.mean
            t = f(a[0]) if axis is None else f(a[0], dim=int(axis))
        elif op == "pow":
            t = a[0] ** float(args[1])
        elif op == "neg":
            t = -a[0]
        elif op == "linear":
            t = torch.matmul(a[0], a[1]) + a[2]
        elif op == "mse":
            t = F.mse_loss(a[0], a[1])
        elif op == "bce":
            t = F.binary_cross_entropy(a[0], a[1])
        elif op == "sce":
            t = F.cross_entropy(a[0], torch.tensor(args[1], dtype=torch.long))
        else:
            t = getattr(torch, op)(a[0])
        if not t.requires_grad:
            raise RuntimeError(f"{case['name']}: {out} needs grad")
        t.retain_grad()
        regs[out] = t
    last = regs[case["program"][-1][0]]
    R = torch.tensor(case["weights"], dtype=T)
    (last * R).sum().backward()
    return {
        "values": {k: t.detach().tolist() for k, t in regs.items()},
        "grads": {k: (t.grad.tolist() if t.grad is not None else None) for k, t in regs.items()},
    }


def case(name, inputs, program, out_shape):
    return {"name": name, "inputs": inputs, "program": program, "weights": numbers(out_shape, 0.5, 1.5)}


cases = []
errors = []

SHAPES = [[], [3], [2], [2, 3], [1, 3], [2, 1], [3, 2]]
for op in ["add", "sub", "mul", "div"]:
    for sa in SHAPES:
        for sb in SHAPES:
            name = f"{op} {sa} {sb}"
            try:
                out = torch.broadcast_shapes(tuple(sa), tuple(sb))
            except RuntimeError:
                errors.append({"name": name, "op": op, "a": sa, "b": sb})
                continue
            b = numbers(sb, 0.5, 2.0) if op == "div" else numbers(sb)
            cases.append(case(name, {"a": numbers(sa), "b": b}, [["c", op, "a", "b"]], list(out)))
    # a number on either side
    cases.append(case(f"{op} [2, 3] number", {"a": numbers([2, 3], 0.5, 2.0)}, [["c", op, "a", 1.5]], [2, 3]))
    cases.append(case(f"{op} number [2, 3]", {"a": numbers([2, 3], 0.5, 2.0)}, [["c", op, 1.5, "a"]], [2, 3]))

MATMUL = [([2, 3], [3, 4], [2, 4]), ([3], [3, 4], [4]), ([2, 3], [3], [2]), ([3], [3], []), ([4, 1], [1, 3], [4, 3]), ([1, 1], [1, 1], [1, 1])]
for sa, sb, so in MATMUL:
    cases.append(case(f"matmul {sa} {sb}", {"a": numbers(sa), "b": numbers(sb)}, [["c", "matmul", "a", "b"]], so))
for sa, sb in [([4, 3], [2, 5]), ([3], [2]), ([2, 3], [2, 3]), ([3], [2, 3])]:
    try:
        torch.matmul(torch.zeros(sa), torch.zeros(sb))
        raise SystemExit(f"matmul {sa} {sb} should fail")
    except RuntimeError:
        errors.append({"name": f"matmul {sa} {sb}", "op": "matmul", "a": sa, "b": sb})

cases.append(case("transpose [2, 3], then matmul", {"a": numbers([2, 3]), "b": numbers([2, 4])}, [["t", "transpose", "a"], ["c", "matmul", "t", "b"]], [3, 4]))
cases.append(case("transpose [3]", {"a": numbers([3])}, [["c", "transpose", "a"]], [3]))
cases.append(case("a·aᵀ: one tensor used twice", {"a": numbers([2, 3])}, [["t", "transpose", "a"], ["c", "matmul", "a", "t"]], [2, 2]))

for op in ["sum", "mean"]:
    for shape, axes in [([2, 3], [None, 0, 1, -1]), ([3], [None, 0]), ([], [None]), ([1, 3], [0, 1])]:
        for axis in axes:
            x = numbers(shape)
            out = list(torch.tensor(x).sum(dim=axis).shape) if axis is not None else []
            cases.append(case(f"{op} {shape} axis {axis}", {"a": x}, [["c", op, "a", axis]], out))

for op, lo, hi in [("exp", -2, 2), ("log", 0.2, 3), ("tanh", -2, 2), ("relu", -2, 2), ("sigmoid", -4, 4), ("neg", -2, 2)]:
    for shape in [[], [3], [2, 3]]:
        cases.append(case(f"{op} {shape}", {"a": numbers(shape, lo, hi, 0.05)}, [["c", op, "a"]], shape))
for k, lo, hi in [(2, -2, 2), (3, -2, 2), (-1, 0.5, 2), (0.5, 0.2, 3)]:
    cases.append(case(f"pow {k} [2, 3]", {"a": numbers([2, 3], lo, hi)}, [["c", "pow", "a", k]], [2, 3]))

# a Linear layer, a batch and one sample
W, b = linear_init(3, 2, 5)
cases.append(case("linear: a batch [4, 3]", {"x": numbers([4, 3]), "W": W, "b": b}, [["c", "linear", "x", "W", "b"]], [4, 2]))
cases.append(case("linear: one sample [3]", {"x": numbers([3]), "W": W, "b": b}, [["c", "linear", "x", "W", "b"]], [2]))

# losses on tensors
cases.append(case("mse [4, 1]", {"p": numbers([4, 1]), "t": numbers([4, 1])}, [["c", "mse", "p", "t"]], []))
cases.append(case("mse [5]", {"p": numbers([5]), "t": numbers([5])}, [["c", "mse", "p", "t"]], []))
probs = [[rnd.uniform(0.05, 0.95)] for _ in range(4)]
cases.append(case("bce [4, 1]", {"p": probs, "t": [[0.0], [1.0], [1.0], [0.0]]}, [["c", "bce", "p", "t"]], []))
cases.append(case("bce soft labels [3]", {"p": [0.3, 0.6, 0.9], "t": [0.2, 0.5, 1.0]}, [["c", "bce", "p", "t"]], []))
cases.append(case("softmax cross-entropy [4, 3]", {"l": numbers([4, 3], -3, 3)}, [["c", "sce", "l", [0, 2, 1, 2]]], []))
cases.append(case("softmax cross-entropy [3], one sample", {"l": numbers([3], -3, 3)}, [["c", "sce", "l", 1]], []))

# a two-layer net as the lessons write it: sigmoid(X·W1 + b1)·W2 + b2, mse
W1, b1 = linear_init(2, 4, 1)
W2, b2 = linear_init(4, 1, 2)
cases.append(
    case(
        "two layers: sigmoid(X·W1 + b1)·W2 + b2, mse",
        {"X": [[0, 0], [0, 1], [1, 0], [1, 1]], "W1": W1, "b1": b1, "W2": W2, "b2": b2, "y": [[0], [1], [1], [0]]},
        [["h", "linear", "X", "W1", "b1"], ["s", "sigmoid", "h"], ["o", "linear", "s", "W2", "b2"], ["L", "mse", "o", "y"]],
        [],
    )
)

for c in cases:
    c.update(run(c))

with open(os.path.join(FIXTURES, "tensor-ops.json"), "w") as f:
    json.dump({"cases": cases, "errors": errors}, f, indent=None, separators=(",", ":"))
    f.write("\n")
print(f"{len(cases)} cases, {len(errors)} shape errors")


# ---- the tensor examples (examples/*.ts), as pytorch runs them: test/fixtures/tensor-nets.json ----


def params(*arrays):
    return [torch.tensor(a, dtype=T, requires_grad=True) for a in arrays]


def sgd(ps, lr):
    with torch.no_grad():
        for p in ps:
            p -= lr * p.grad
            p.grad = None


def xor_tensors():
    """examples/xor-tensors.ts: 2-4-1, sigmoid, mse, sgd lr 2, 1000 epochs"""
    r = Random(3)
    W1 = [[r.uniform(-1, 1) for _ in range(4)] for _ in range(2)]
    W2 = [[r.uniform(-1, 1) for _ in range(1)] for _ in range(4)]
    ps = params(W1, [0.0] * 4, W2, [0.0])
    X = torch.tensor([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=T)
    y = torch.tensor([[0], [1], [1], [0]], dtype=T)
    losses = []
    for _ in range(1000):
        out = torch.sigmoid(torch.sigmoid(X @ ps[0] + ps[1]) @ ps[2] + ps[3])
        L = F.mse_loss(out, y)
        L.backward()
        losses.append(L.item())
        last = out.detach().flatten().tolist()
        sgd(ps, 2.0)
    return {"losses": losses, "predictions": last, "W1": ps[0].tolist(), "b2": ps[3].tolist()}


def manual_vs_auto():
    """examples/manual-vs-auto.ts: y = x² on 10 points, Linear(1, 8) → sigmoid → Linear(8, 1), mse, sgd lr 0.5, 150 steps"""
    W1, b1 = linear_init(1, 8, 1)
    W2, b2 = linear_init(8, 1, 2)
    ps = params(W1, b1, W2, b2)
    x = torch.tensor([[-1 + 2 * i / 9] for i in range(10)], dtype=T)
    y = x**2
    losses = []
    for _ in range(150):
        L = F.mse_loss(torch.sigmoid(x @ ps[0] + ps[1]) @ ps[2] + ps[3], y)
        L.backward()
        losses.append(L.item())
        sgd(ps, 0.5)
    return {"losses": losses}


def batch_linear():
    """examples/batch-linear.ts: Linear(3, 2, seed 5) on a batch of 4, mse"""
    W, b = linear_init(3, 2, 5)
    ps = params(W, b)
    x = torch.tensor([[0.5, -1.0, 2.0], [1.5, 0.0, -0.5], [-1.0, 1.0, 1.0], [0.0, 2.0, -1.5]], dtype=T)
    out = x @ ps[0] + ps[1]
    out.retain_grad()
    L = F.mse_loss(out, torch.tensor([[1, 0], [0, 1], [1, 1], [0, 0]], dtype=T))
    L.backward()
    return {"loss": L.item(), "W": ps[0].grad.tolist(), "b": ps[1].grad.tolist(), "out": out.grad.tolist()}


def scalars_vs_tensors():
    """examples/scalars-vs-tensors.ts: sigmoid(X·W1 + b1)·W2 + b2 on xor's inputs, mse"""
    W1, b1 = linear_init(2, 4, 1)
    W2, b2 = linear_init(4, 1, 2)
    ps = params(W1, b1, W2, b2)
    X = torch.tensor([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=T)
    L = F.mse_loss(torch.sigmoid(X @ ps[0] + ps[1]) @ ps[2] + ps[3], torch.tensor([[0], [1], [1], [0]], dtype=T))
    L.backward()
    return {"loss": L.item(), "grads": [g for p in ps for g in p.grad.flatten().tolist()]}


def optimizers():
    """a Linear(3, 2, seed 5) trained 20 steps on a batch of 4 with mse, by Adam (lr 0.05) and by sgd with momentum (lr 0.1, 0.9)"""
    x = torch.tensor([[0.5, -1.0, 2.0], [1.5, 0.0, -0.5], [-1.0, 1.0, 1.0], [0.0, 2.0, -1.5]], dtype=T)
    t = torch.tensor([[1, 0], [0, 1], [1, 1], [0, 0]], dtype=T)
    out = {}
    for name, make in [
        ("adam", lambda ps: torch.optim.Adam(ps, lr=0.05)),
        ("sgd momentum", lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9)),
    ]:
        W, b = linear_init(3, 2, 5)
        ps = params(W, b)
        opt = make(ps)
        losses = []
        for _ in range(20):
            opt.zero_grad()
            L = F.mse_loss(x @ ps[0] + ps[1], t)
            L.backward()
            opt.step()
            losses.append(L.item())
        out[name] = {"losses": losses, "W": ps[0].tolist(), "b": ps[1].tolist()}
    return out


nets = {
    "optimizers": optimizers(),
    "xor-tensors.ts": xor_tensors(),
    "manual-vs-auto.ts": manual_vs_auto(),
    "batch-linear.ts": batch_linear(),
    "scalars-vs-tensors.ts": scalars_vs_tensors(),
}
with open(os.path.join(FIXTURES, "tensor-nets.json"), "w") as f:
    json.dump(nets, f, indent=None, separators=(",", ":"))
    f.write("\n")
print("tensor-nets.json:", ", ".join(nets))

"""the engine benchmark's workload in micrograd's own style (a Value with a _backward closure per op,
a set-based recursive topological sort), pure cpython, for a side-by-side figure:
MLP(2, [16, 16, 1]) with tanh hidden layers and a linear output, 100 two-moons points, whole-batch
mse, one step = forward + zero_grad + backward + sgd update. prints one json line: the median step
after the first, and every step's ms in order (steps + 1 of them, the first included: a short loop's
total).

    python3 bench/micrograd_step.py [steps]
"""
import json
import math
import random
import sys
import time

sys.setrecursionlimit(100000)


class Value:
    created = 0

    def __init__(self, data, _children=(), _op=""):
        Value.created += 1
        self.data = data
        self.grad = 0
        self._backward = lambda: None
        self._prev = set(_children)
        self._op = _op

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __pow__(self, other):
        out = Value(self.data ** other, (self,), f"**{other}")

        def _backward():
            self.grad += (other * self.data ** (other - 1)) * out.grad

        out._backward = _backward
        return out

    def tanh(self):
        t = math.tanh(self.data)
        out = Value(t, (self,), "tanh")

        def _backward():
            self.grad += (1 - t * t) * out.grad

        out._backward = _backward
        return out

    def backward(self):
        topo = []
        visited = set()

        def build_topo(v):
            if v not in visited:
                visited.add(v)
                for child in v._prev:
                    build_topo(child)
                topo.append(v)

        build_topo(self)
        self.grad = 1
        for v in reversed(topo):
            v._backward()

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-other)

    def __truediv__(self, other):
        return self * other ** -1

    def __radd__(self, other):
        return self + other


class Neuron:
    def __init__(self, nin, nonlin):
        self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(0)
        self.nonlin = nonlin

    def __call__(self, x):
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return act.tanh() if self.nonlin else act

    def parameters(self):
        return self.w + [self.b]


class Layer:
    def __init__(self, nin, nout, nonlin):
        self.neurons = [Neuron(nin, nonlin) for _ in range(nout)]

    def __call__(self, x):
        return [n(x) for n in self.neurons]

    def parameters(self):
        return [p for n in self.neurons for p in n.parameters()]


class MLP:
    def __init__(self, nin, nouts):
        sz = [nin] + nouts
        self.layers = [Layer(sz[i], sz[i + 1], nonlin=i != len(nouts) - 1) for i in range(len(nouts))]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]


def moons(n, noise, rng):
    n_out = n // 2
    n_in = n - n_out
    pts = []
    for i in range(n_out):
        t = math.pi * i / (n_out - 1)
        pts.append(([math.cos(t), math.sin(t)], 0.0))
    for i in range(n_in):
        t = math.pi * i / (n_in - 1)
        pts.append(([1 - math.cos(t), 1 - math.sin(t) - 0.5], 1.0))
    rng.shuffle(pts)
    return [([x + rng.gauss(0, noise), y + rng.gauss(0, noise)], t) for (x, y), t in pts]


def main():
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    random.seed(42)
    data = moons(100, 0.1, random.Random(1))
    model = MLP(2, [16, 16, 1])
    params = model.parameters()
    times = []
    values = 0
    for _ in range(steps + 1):  # the first step warms up
        before = Value.created
        t0 = time.perf_counter()
        preds = [model([Value(x[0]), Value(x[1])])[0] for x, _ in data]
        loss = sum(((p - t) ** 2 for p, (_, t) in zip(preds, data)), Value(0)) / len(data)
        for p in params:
            p.grad = 0
        loss.backward()
        for p in params:
            p.data -= 0.01 * p.grad
        times.append((time.perf_counter() - t0) * 1000)
        values = Value.created - before
    rest = sorted(times[1:])
    print(json.dumps({"median_ms": rest[len(rest) // 2], "ms": times, "values_per_step": values, "python": sys.version.split()[0]}))


if __name__ == "__main__":
    main()

// the classic single neuron: o = tanh(x1*w1 + x2*w2 + b)
// run "Visualize Backprop" and step the backward pass from o back to the inputs
import { Value } from "backprop-stepper";

// inputs
const x1 = new Value(2.0, "x1");
const x2 = new Value(0.0, "x2");
// weights
const w1 = new Value(-3.0, "w1");
const w2 = new Value(1.0, "w2");
// bias, chosen so the numbers come out round
const b = new Value(6.8813735870195432, "b");

const x1w1 = x1.mul(w1);
x1w1.label = "x1*w1";
const x2w2 = x2.mul(w2);
x2w2.label = "x2*w2";
const sum = x1w1.add(x2w2);
sum.label = "x1*w1 + x2*w2";
const n = sum.add(b);
n.label = "n";
const o = n.tanh();
o.label = "o";

o.backward();

console.log(`o = ${o.data.toFixed(4)}`);
console.log(`x1.grad = ${x1.grad}, w1.grad = ${w1.grad}, x2.grad = ${x2.grad}, w2.grad = ${w2.grad}`);

// micrograd's first expression: L = (a*b + c) * f, with the lecture's numbers.
// forward: e = a*b = -6, d = e + c = 4, L = d * f = -8.
// step the pass from L: "*" sends each input the grad times the other input, "+" passes it on.
// expected: f.grad = d = 4, d.grad = f = -2, c.grad = e.grad = -2, a.grad = -2*b = 6, b.grad = -2*a = -4.
import { Value } from "backprop-stepper";

const a = new Value(2.0, "a");
const b = new Value(-3.0, "b");
const c = new Value(10.0, "c");
const e = a.mul(b);
e.label = "e";
const d = e.add(c);
d.label = "d";
const f = new Value(-2.0, "f");
const L = d.mul(f);
L.label = "L";

L.backward();

console.log(`L = ${L.data}`);
for (const v of [a, b, c, e, d, f]) console.log(`${v.label}.grad = ${v.grad}`);

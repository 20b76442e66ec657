// the chain rule on two small steps: y = w1*x1 + b1, then z = w2*y + b2.
// by hand: dz/dw1 = dz/dy * dy/dw1 = w2 * x1 = -3 * 2 = -6.
// in the panel, step back from z: y gets grad w2 (-3), then w1 gets that times x1 (-6).
// the details pane writes each step as "grad before + local × grad of the node = after".
import { Value } from "backprop-stepper";

const x1 = new Value(2, "x1");
const w1 = new Value(0.5, "w1");
const b1 = new Value(1, "b1");
const w2 = new Value(-3, "w2");
const b2 = new Value(4, "b2");

const w1x1 = w1.mul(x1);
w1x1.label = "w1*x1";
const y = w1x1.add(b1);
y.label = "y";
const w2y = w2.mul(y);
w2y.label = "w2*y";
const z = w2y.add(b2);
z.label = "z";

z.backward();

console.log(`z = ${z.data}, y = ${y.data}`);
console.log(`dz/dy  = ${y.grad}  (w2 = ${w2.data})`);
console.log(`dz/dw1 = ${w1.grad}  (w2*x1 = ${w2.data * x1.data})`);
console.log(`dz/dx1 = ${x1.grad}  (w2*w1 = ${w2.data * w1.data})`);
console.log(`dz/db1 = ${b1.grad}, dz/dw2 = ${w2.grad}, dz/db2 = ${b2.grad}`);

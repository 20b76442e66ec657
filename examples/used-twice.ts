// a value used twice: its grad is the sum of what flows back along both uses.
// b = a + a, so db/da = 2; then c = a * b = 2a², so dc/da = 4a.
import { Value } from "backprop-stepper";

const a = new Value(3, "a");
const b = a.add(a);
b.label = "b = a + a";
const c = a.mul(b);
c.label = "c = a * b";
c.backward();

console.log(`dc/da = ${a.grad} (4a = ${4 * a.data})`);

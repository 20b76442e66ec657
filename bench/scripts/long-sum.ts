// a loss summed term by term, (p - 0.5)² over 15,000 terms: 75,001 values in one long chain. case 1
// of "hostile and unlucky scripts" (its numeric check), and the path bench's long sum.
import { Value } from "backprop-stepper";

let loss = new Value(0);
for (let i = 0; i < 15000; i++) {
  const p = new Value(i / 15000);
  const e = p.sub(0.5);
  loss = loss.add(e.mul(e));
}
loss.backward();

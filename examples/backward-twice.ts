// the pitfall: backward() twice without zeroing. grads accumulate (as in PyTorch),
// so every grad doubles. the panel warns on the second call; zero the grads to fix it.
import { Value } from "backprop-stepper";

const x = new Value(2, "x");
const w = new Value(-1.5, "w");
const y = x.mul(w).tanh();
y.label = "y";

y.backward();
console.log(`after one backward():  w.grad = ${w.grad.toFixed(6)}`);
y.backward();
console.log(`after two backward():  w.grad = ${w.grad.toFixed(6)}  (doubled)`);

// the fix, before each backward(): x.grad = 0; w.grad = 0; (or model.zeroGrad() for a model)

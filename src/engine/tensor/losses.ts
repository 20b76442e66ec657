// the losses on tensors, made of tensor ops (so each step shows in the graph, and its grad comes
// from backward): mean squared error, binary cross-entropy on probabilities, and softmax
// cross-entropy on logits, as pytorch's mse_loss, binary_cross_entropy and cross_entropy compute them.

import { inGroup } from "../group";
import { Tensor, tensor } from "./tensor";
import { shapeText, type TensorData } from "./shapes";

/** targets as a tensor of the predictions' shape, or the user's mistake with both shapes */
function targetsOf(name: string, preds: Tensor, targets: Tensor | TensorData): Tensor {
  const t = targets instanceof Tensor ? targets : tensor(targets, "targets");
  if (t.shape.join() !== preds.shape.join()) {
    throw new Error(`${name}: predictions ${shapeText(preds.shape)} and targets ${shapeText(t.shape)} differ in shape`);
  }
  return t;
}

/** mean((p - t)²) over every element */
export function tensorMse(preds: Tensor, targets: Tensor | TensorData): Tensor {
  return inGroup("loss", "mse", () => {
    const t = targetsOf("mse", preds, targets);
    return preds.sub(t).pow(2).mean();
  });
}

/** -mean(t·log p + (1 - t)·log(1 - p)), p probabilities (sigmoid outputs), t in [0, 1] */
export function tensorBinaryCrossEntropy(probs: Tensor, targets: Tensor | TensorData): Tensor {
  return inGroup("loss", "binary cross-entropy", () => {
    const t = targetsOf("binaryCrossEntropy", probs, targets);
    const yes = t.mul(probs.log());
    const no = t.rsub(1).mul(probs.rsub(1).log());
    return yes.add(no).mean().neg();
  });
}

/**
 * mean over the batch of log Σ exp(l_j) - l_target, for logits [batch, classes] and one class
 * index per sample (or logits [classes] and one index). stable: each row's largest logit is taken
 * off first, as a constant (it cancels in the value and the grads)
 */
export function tensorSoftmaxCrossEntropy(logits: Tensor, targets: number | readonly number[]): Tensor {
  const s = logits.shape;
  const batch = s.length === 2;
  const ts = typeof targets === "number" ? [targets] : Array.from(targets);
  if (s.length === 0 || (batch ? ts.length !== s[0] : ts.length !== 1 || typeof targets !== "number")) {
    throw new Error(
      `softmaxCrossEntropy: logits ${shapeText(s)} need ${batch ? `${s[0]} class indices (one per row)` : "one class index"}, got ${typeof targets === "number" ? targets : `${ts.length} of them`}`,
    );
  }
  const classes = s[s.length - 1];
  for (const t of ts) {
    if (!Number.isInteger(t) || t < 0 || t >= classes)
      throw new Error(`softmaxCrossEntropy: target ${t} is not a class index in [0, ${classes})`);
  }
  const rows = batch ? (logits.data as number[][]) : [logits.data as number[]];
  const max = rows.map((r) => Math.max(...r));
  const onehot = ts.map((t) => Array.from({ length: classes }, (_, j) => (j === t ? 1 : 0)));
  return inGroup("loss", "cross-entropy", () => {
    const shifted = logits.sub(
      batch
        ? tensor(
            max.map((m) => [m]),
            "max",
          )
        : tensor(max[0], "max"),
    );
    const logSum = shifted.exp().sum(-1).log();
    const picked = shifted.mul(tensor(batch ? onehot : onehot[0], "one-hot")).sum(-1);
    const each = logSum.sub(picked);
    return batch ? each.mean() : each;
  });
}

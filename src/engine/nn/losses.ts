// losses built from engine ops, so every term shows in the graph and gets its grad by backward.

import { Value, lift } from "../value";
import { mean, sum } from "../reduce";
import { inGroup } from "../group";
import { Tensor } from "../tensor/tensor";
import type { TensorData } from "../tensor/shapes";
import { tensorBinaryCrossEntropy, tensorMse, tensorSoftmaxCrossEntropy } from "../tensor/losses";

/** gives v a label unless the script already gave it one */
function named(v: Value, label: string): Value {
  if (v.label === "") v.label = label;
  return v;
}

/** each term of a loss in a group of its own ("term 3"), so a hundred of them fold into one series */
function terms<T>(xs: readonly T[], term: (x: T, i: number) => Value): Value[] {
  return xs.map((x, i) => inGroup("term", `term ${i + 1}`, () => term(x, i)));
}

/** predictions or targets: a flat list, or one list per example as forward() returns them */
export type Batch = readonly (Value | number | readonly (Value | number)[])[];

function flatten(xs: Batch): (Value | number)[] {
  const out: (Value | number)[] = [];
  for (const x of xs) {
    if (Array.isArray(x)) out.push(...(x as readonly (Value | number)[]));
    else out.push(x as Value | number);
  }
  return out;
}

function paired(name: string, preds: Batch, targets: Batch): [(Value | number)[], (Value | number)[]] {
  const p = flatten(preds);
  const t = flatten(targets);
  if (p.length !== t.length) throw new Error(`${name}: ${p.length} predictions but ${t.length} targets`);
  if (p.length === 0) throw new Error(`${name}: no predictions`);
  return [p, t];
}

/** mean squared error: mean((p - t)**2); on tensors, a tensor of shape [] (tensor/losses.ts) */
export function mse(preds: Tensor, targets: Tensor | TensorData): Tensor;
export function mse(preds: Batch, targets: Batch): Value;
export function mse(preds: Batch | Tensor, targets: Batch | Tensor | TensorData): Value | Tensor {
  if (preds instanceof Tensor) return tensorMse(preds, targets as Tensor | TensorData);
  const [p, t] = paired("mse", preds, targets as Batch);
  return inGroup("loss", "mse", () => mean(terms(p, (pi, i) => named(named(lift(pi).sub(t[i]), "error").pow(2), "error²"))));
}

/** micrograd's max-margin loss for labels y in {-1, +1}: mean(relu(1 - y * score)) */
export function hingeLoss(scores: Batch, ys: readonly number[]): Value {
  const [s] = paired("hingeLoss", scores, ys);
  return inGroup("loss", "hinge loss", () =>
    mean(terms(s, (si, i) => named(named(named(lift(si).mul(-ys[i]), "-y*score").add(1), "margin").relu(), "hinge"))),
  );
}

/**
 * binary cross-entropy on probabilities (e.g. sigmoid outputs), labels in [0, 1]:
 * -mean(y·log p + (1 - y)·log(1 - p)). probabilities, not logits, because that is the formula a
 * learner reads in the graph; p of exactly 0 or 1 on the wrong side gives Infinity, as it should.
 * a term whose weight is 0 (y = 0 or y = 1) is left out, so it cannot turn 0·Infinity into NaN.
 */
export function binaryCrossEntropy(probs: Tensor, ys: Tensor | TensorData): Tensor;
export function binaryCrossEntropy(probs: Batch, ys: readonly number[]): Value;
export function binaryCrossEntropy(probs: Batch | Tensor, targets: readonly number[] | Tensor | TensorData): Value | Tensor {
  if (probs instanceof Tensor) return tensorBinaryCrossEntropy(probs, targets as Tensor | TensorData);
  const ys = targets as readonly number[];
  const [p] = paired("binaryCrossEntropy", probs, ys);
  return inGroup("loss", "binary cross-entropy", () => {
    const each = terms(p, (pi, i) => {
      const v = lift(pi);
      const y = ys[i];
      if (y === 1) return v.log();
      if (y === 0) return v.rsub(1).log();
      return v
        .log()
        .mul(y)
        .add(
          v
            .rsub(1)
            .log()
            .mul(1 - y),
        );
    });
    return mean(each).neg();
  });
}

/**
 * cross-entropy of softmax(logits) against the class targetIndex: log Σ exp(l_j) - l_target.
 * stable: the largest logit is subtracted first as a constant (it cancels in the value and the
 * grads), so exp never overflows. d loss / d l_j = softmax_j - onehot_j.
 */
export function softmaxCrossEntropy(logits: Tensor, targets: number | readonly number[]): Tensor;
export function softmaxCrossEntropy(logits: readonly Value[], targetIndex: number): Value;
export function softmaxCrossEntropy(logits: readonly Value[] | Tensor, target: number | readonly number[]): Value | Tensor {
  if (logits instanceof Tensor) return tensorSoftmaxCrossEntropy(logits, target);
  const targetIndex = target as number;
  if (!Number.isInteger(targetIndex) || targetIndex < 0 || targetIndex >= logits.length) {
    throw new Error(`softmaxCrossEntropy: target ${targetIndex} is not a class index in [0, ${logits.length})`);
  }
  let m = -Infinity;
  for (const l of logits) if (l.data > m) m = l.data;
  return inGroup("loss", "cross-entropy", () => {
    const shifted = logits.map((l, j) => named(l.sub(m), `l${j}-max`));
    const total = sum(shifted.map((s, j) => named(s.exp(), `exp l${j}`)));
    return named(named(total.log(), "log sum").sub(shifted[targetIndex]), "cross-entropy");
  });
}

/** softmax probabilities as values (same max shift) */
export function softmax(logits: readonly Value[]): Value[] {
  let m = -Infinity;
  for (const l of logits) if (l.data > m) m = l.data;
  return inGroup("group", "softmax", () => {
    const es = logits.map((l, j) => named(named(l.sub(m), `l${j}-max`).exp(), `exp l${j}`));
    const total = sum(es);
    return es.map((e, j) => named(e.div(total), `p${j}`));
  });
}

/** alpha · Σ p², micrograd's l2 regularisation, to add to a loss */
export function l2(params: readonly Value[], alpha: number): Value {
  return inGroup("loss", "l2", () => named(sum(terms(params, (p) => named(p.mul(p), `${p.label || "p"}²`))).mul(alpha), "l2"));
}

// "Backprop: New Model Script": a new untitled script from one of the bundled examples
import * as vscode from "vscode";

// in lesson order: the chain rule by hand first, micrograd's training demos last
const EXAMPLES: { file: string; label: string; detail: string }[] = [
  { file: "chain-rule.ts", label: "The chain rule", detail: "z = w2*(w1*x1 + b1) + b2: dz/dw1 = w2*x1, checked by hand" },
  { file: "lecture.ts", label: "micrograd's first expression", detail: "L = (a*b + c)*f with the lecture's numbers" },
  { file: "neuron.ts", label: "Single neuron", detail: "tanh(x1*w1 + x2*w2 + b): the classic first backward pass" },
  { file: "used-twice.ts", label: "A value used twice", detail: "grads from both uses add up" },
  { file: "manual-grad.ts", label: "ManualGrad vs AutoGrad", detail: "sigmoid with a hand-written s*(1-s) next to the composed one" },
  { file: "backward-twice.ts", label: "backward() twice", detail: "the accumulation pitfall, and its fix" },
  { file: "tiny-dataset.ts", label: "A tiny dataset", detail: "the lecture's MLP(3, [4, 4, 1]) on four samples, 20 gradient steps" },
  { file: "xor.ts", label: "MLP learns XOR", detail: "a training loop: loss per backward() call" },
  { file: "iris.ts", label: "Fisher's iris", detail: "three species, softmax cross-entropy, accuracy per epoch" },
  { file: "minibatch.ts", label: "Mini-batches", detail: "two moons in batches of 10: step one batch's graph" },
  { file: "moons.ts", label: "Two moons", detail: "micrograd's demo: hinge loss + l2, a 66,000-value graph, grouped" },
  { file: "xor-tensors.ts", label: "XOR with tensors", detail: "the numpy lesson's 2-4-1 network: X·W1 + b1, sigmoid, W2, trained" },
  { file: "batch-linear.ts", label: "A Linear layer on a batch", detail: "x·W + b: b's grad is summed over the batch" },
  { file: "manual-vs-auto.ts", label: "ManualGrad vs AutoGrad, with tensors", detail: "fit y = x² both ways: the same steps, checked" },
  { file: "scalars-vs-tensors.ts", label: "Scalars vs tensors", detail: "one two-layer net both ways: the same loss and grads" },
];

/** a quick pick of the examples; `file` ("xor.ts", from a link such as the walkthrough's) opens that one at once */
export async function pickExample(extensionUri: vscode.Uri, file?: unknown): Promise<void> {
  const named = EXAMPLES.find((e) => e.file === file);
  const pick = named ?? (await vscode.window.showQuickPick(EXAMPLES, { title: "New Model Script", placeHolder: "Start from an example" }));
  if (!pick) return;
  const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(extensionUri, "examples", pick.file));
  const doc = await vscode.workspace.openTextDocument({ language: "typescript", content: new TextDecoder().decode(bytes) });
  await vscode.window.showTextDocument(doc);
}

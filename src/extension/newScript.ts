// "Backprop: New Model Script": a new untitled script from one of the bundled examples
import * as vscode from "vscode";

const EXAMPLES: { file: string; label: string; detail: string }[] = [
  { file: "neuron.ts", label: "Single neuron", detail: "tanh(x1*w1 + x2*w2 + b): the classic first backward pass" },
  { file: "used-twice.ts", label: "A value used twice", detail: "grads from both uses add up" },
  { file: "manual-grad.ts", label: "ManualGrad vs AutoGrad", detail: "sigmoid with a hand-written s*(1-s) next to the composed one" },
  { file: "backward-twice.ts", label: "backward() twice", detail: "the accumulation pitfall, and its fix" },
  { file: "xor.ts", label: "MLP learns XOR", detail: "a training loop: loss per backward() call" },
  { file: "two-moons.ts", label: "Two moons", detail: "micrograd's demo: a big graph, summarised" },
];

export async function pickExample(extensionUri: vscode.Uri): Promise<void> {
  const pick = await vscode.window.showQuickPick(EXAMPLES, { title: "New Model Script", placeHolder: "Start from an example" });
  if (!pick) return;
  const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(extensionUri, "examples", pick.file));
  const doc = await vscode.workspace.openTextDocument({ language: "typescript", content: new TextDecoder().decode(bytes) });
  await vscode.window.showTextDocument(doc);
}

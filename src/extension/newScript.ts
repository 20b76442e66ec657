// "Backprop: New Model Script": a new untitled script from one of the bundled examples
import * as vscode from "vscode";

const EXAMPLES: { file: string; label: string; detail: string }[] = [
  { file: "neuron.ts", label: "Single neuron", detail: "tanh(x1*w1 + x2*w2 + b): the classic first backward pass" },
];

export async function pickExample(extensionUri: vscode.Uri): Promise<void> {
  const pick = await vscode.window.showQuickPick(EXAMPLES, { title: "New Model Script", placeHolder: "Start from an example" });
  if (!pick) return;
  const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(extensionUri, "examples", pick.file));
  const doc = await vscode.workspace.openTextDocument({ language: "typescript", content: new TextDecoder().decode(bytes) });
  await vscode.window.showTextDocument(doc);
}

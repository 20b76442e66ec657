// Export: the graph as the panel draws it (PNG or SVG), or the drawn call's trace as JSON, saved
// where the user picks through vs code's save dialog
import * as vscode from "vscode";
import * as path from "node:path";
import { toJson } from "../engine/json";
import type { Trace } from "../engine/trace";
import type { ImageFormat } from "../shared/protocol";

/** what Export needs of the panel it saves from */
export interface ExportSource {
  /** the drawn call's trace, if there is one */
  readonly trace: Trace | undefined;
  /** the script the panel shows: the file is saved beside it */
  readonly file: vscode.Uri;
  /** the graph as the page draws it now: base64 png or svg text ("" when nothing is drawn) */
  requestImage(format: ImageFormat): Promise<string>;
}

type Choice = { label: string; detail: string; ext: string; format: ImageFormat | "json" };

const CHOICES: Choice[] = [
  { label: "PNG image", detail: "the graph as drawn now, whole, at twice the screen's scale", ext: "png", format: "png" },
  { label: "SVG image", detail: "the graph as drawn now, whole, as vector graphics", ext: "svg", format: "svg" },
  {
    label: "Trace JSON",
    detail: "every value and step of the drawn backward() call (as `backprop-stepper trace --json`)",
    ext: "json",
    format: "json",
  },
];

export async function exportGraph(panel: ExportSource | undefined): Promise<void> {
  const trace = panel?.trace;
  if (!panel || !trace) {
    void vscode.window.showInformationMessage("Visualize a script first: Export saves the graph its panel shows.");
    return;
  }
  const choice = await vscode.window.showQuickPick(CHOICES, { title: "Export the graph", placeHolder: "Save as" });
  if (!choice) return;
  const base = path.basename(panel.file.fsPath).replace(/\.[cm]?ts$/, "");
  const target = await vscode.window.showSaveDialog({
    title: `Export ${choice.label}`,
    defaultUri: vscode.Uri.file(path.join(path.dirname(panel.file.fsPath), `${base}-graph.${choice.ext}`)),
    filters: { [choice.label]: [choice.ext] },
  });
  if (!target) return;
  let bytes: Uint8Array;
  if (choice.format === "json") bytes = new TextEncoder().encode(toJson(trace) + "\n");
  else {
    const data = await panel.requestImage(choice.format);
    if (!data) {
      void vscode.window.showWarningMessage("The panel has no graph drawn to export.");
      return;
    }
    bytes = choice.format === "png" ? Buffer.from(data, "base64") : new TextEncoder().encode(data);
  }
  await vscode.workspace.fs.writeFile(target, bytes);
  void vscode.window.showInformationMessage(`Saved ${path.basename(target.fsPath)}`);
}

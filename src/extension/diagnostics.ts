// a failed run as problems at the user's own lines
import * as vscode from "vscode";
import type { ScriptError } from "../shared/protocol";

export function showErrorDiagnostics(collection: vscode.DiagnosticCollection, error: ScriptError): void {
  collection.clear();
  if (!error.pos) return;
  const { line, column, file } = error.pos;
  const start = new vscode.Position(Math.max(0, line - 1), Math.max(0, column - 1));
  // underline to the end of the line: the column is where it starts, the token's end is unknown
  const range = new vscode.Range(start, start.translate(0, 0).with({ character: Number.MAX_SAFE_INTEGER }));
  const diagnostic = new vscode.Diagnostic(range, error.message, vscode.DiagnosticSeverity.Error);
  diagnostic.source = "Backprop Stepper";
  if (error.stack && error.stack.length > 1) {
    diagnostic.relatedInformation = error.stack
      .slice(1)
      .map(
        (f) =>
          new vscode.DiagnosticRelatedInformation(
            new vscode.Location(vscode.Uri.file(f.file), new vscode.Position(f.line - 1, Math.max(0, f.column - 1))),
            "called from here",
          ),
      );
  }
  collection.set(vscode.Uri.file(file), [diagnostic]);
}

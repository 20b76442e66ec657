// what the integration tests share: the extension's api, the workspace, waiting for a run
import * as assert from "node:assert";
import * as path from "node:path";
import * as vscode from "vscode";
import type { BackpropStepperApi } from "../../src/extension/extension";
import type { RunOutcome } from "../../src/runner/runScript";

export async function api(): Promise<BackpropStepperApi> {
  const ext = vscode.extensions.getExtension<BackpropStepperApi>("backprop-stepper.backprop-stepper");
  assert.ok(ext, "the extension is installed in the host");
  return ext.activate();
}

export function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, "a workspace folder is open");
  return vscode.Uri.file(path.join(folder.uri.fsPath, name));
}

/** resolves with the outcome of the next run that ends */
export function nextRun(a: BackpropStepperApi, timeoutMs = 30_000): Promise<{ file: string; outcome: RunOutcome }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no run finished in time")), timeoutMs);
    const sub = a.onDidFinishRun((e) => {
      clearTimeout(timer);
      sub.dispose();
      resolve(e);
    });
  });
}

export async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function writeScript(name: string, text: string): Promise<vscode.Uri> {
  const uri = workspaceFile(name);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  return uri;
}

export async function openEditor(uri: vscode.Uri): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(uri);
  return vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
}

/** opens `uri` in an editor, runs Visualize Backprop on it and waits for the run to end */
export async function visualize(uri: vscode.Uri): Promise<{ file: string; outcome: RunOutcome }> {
  const a = await api();
  await openEditor(uri);
  const run = nextRun(a);
  await vscode.commands.executeCommand("backpropStepper.visualize");
  return run;
}

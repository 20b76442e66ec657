// the extension host side: commands, the run of the user's script, and the panel that shows it
import * as vscode from "vscode";
import * as path from "node:path";
import { RunOutput } from "./runOutput";
import * as fs from "node:fs";
import type { RunResult, ScriptError } from "../shared/protocol";
import { disposeSpareWorker, prepareWorker, runScript, type RunOutcome } from "../runner/runScript";
import { noBackwardHint } from "../runner/hints";
import { GraphPanel, getWebviewOptions, type PanelHost } from "./graphPanel";
import { readSettings } from "./config";
import { showErrorDiagnostics } from "./diagnostics";
import { pickExample } from "./newScript";
import { exportGraph } from "./exportGraph";
import { callMismatch, describeMismatch } from "../shared/callMismatch";
import { now, timingOn, type Times } from "../shared/timing";

/** when this bundle was loaded and activated, for the path bench (shared/timing.ts) */
const hostTimes: Times | undefined = timingOn() ? { "host.loaded": now() } : undefined;

/** what the extension hands to other extensions and its own integration tests */
export interface BackpropStepperApi {
  /** fires when a run of a script ends, with its outcome */
  readonly onDidFinishRun: vscode.Event<{ file: string; outcome: RunOutcome }>;
  /** the open panel's step position, as its page last reported it */
  panelStep(): { step: number; total: number } | undefined;
}

export function activate(context: vscode.ExtensionContext): BackpropStepperApi {
  if (hostTimes) hostTimes["host.activated"] = now();
  const output = vscode.window.createOutputChannel("Backprop Stepper");
  const diagnostics = vscode.languages.createDiagnosticCollection("backprop-stepper");
  const finished = new vscode.EventEmitter<{ file: string; outcome: RunOutcome }>();
  context.subscriptions.push(output, diagnostics, finished);

  const workerPath = () => path.join(context.extensionPath, "dist", "worker.js");
  const host: PanelHost = {
    run: (panel, captureCall) => void runInPanel(panel, captureCall),
    export: (panel) => void exportGraph(panel),
  };

  /** runs the panel's script and shows the outcome; `captureCall`: a call picked on the panel's loss curve, to draw */
  async function runInPanel(panel: GraphPanel, captureCall?: number, commandAt?: number): Promise<void> {
    const startedAt = hostTimes ? now() : 0;
    const signal = panel.startRun();
    // the call as the curve showed it when it was clicked, to tell whether the re-run made it again
    const clicked = captureCall === undefined ? undefined : panel.curveCall(captureCall);
    const file = panel.file.fsPath;
    const settings = readSettings();
    panel.post({ type: "runState", state: "running", fileName: panel.fileName });
    output.appendLine(`[run] ${file}`);
    const written = new RunOutput((text) => output.append(text));
    const outcome = await runScript(file, {
      ...settings,
      signal,
      captureCall,
      workerPath: workerPath(),
      // the trace goes to the page as the worker sent it (columns), and the page checks it numerically once it is drawn
      keepColumns: true,
      // the next run starts with a worker that is ready
      spare: true,
      numericBudgetMs: 0,
      onConsole: (msg) => written.write(msg.text),
    });
    written.end();
    const timing = outcome.ok ? outcome.result.timing : outcome.partial?.timing;
    if (timing && hostTimes) Object.assign(timing, hostTimes, { "host.command": commandAt ?? startedAt, "host.run": startedAt });
    finished.fire({ file, outcome });
    if (!outcome.ok && outcome.error.kind === "cancelled") return;

    if (!outcome.ok) {
      report(outcome.error, panel, outcome.partial);
      return;
    }
    diagnostics.clear();
    const { result } = outcome;
    const exited = result.exitCode ? `, ended by process.exit(${result.exitCode})` : "";
    output.appendLine(`[done] ${result.calls.length} backward() call(s) in ${Math.round(result.elapsedMs)} ms${exited}`);
    if (result.calls.length === 0) {
      report({ kind: "runtime", message: noBackwardHint() }, panel);
      return;
    }
    const mismatch = captureCall === undefined ? undefined : callMismatch(captureCall, clicked, result);
    if (mismatch) output.appendLine(`[pick] ${describeMismatch(mismatch)}`);
    panel.showResult(result, mismatch);
  }

  /** `partial`: what the run did before it ended badly, drawn below the error */
  function report(error: ScriptError, panel: GraphPanel, partial?: RunResult): void {
    showErrorDiagnostics(diagnostics, error);
    const where = error.pos ? `${path.basename(error.pos.file)}:${error.pos.line}:${error.pos.column} ` : "";
    output.appendLine(`[error] ${where}${error.message}`);
    for (const frame of error.stack?.slice(1) ?? []) output.appendLine(`    at ${frame.file}:${frame.line}:${frame.column}`);
    if (error.hint) output.appendLine(error.hint);
    if (partial) output.appendLine(`[error] ${partial.calls.length} backward() call(s) ran before the script stopped`);
    panel.post({ type: "showError", error, fileName: panel.fileName, ...(partial ? { result: partial } : {}) });
  }

  /** the file to run: the document itself, saved first; an untitled one is copied to the extension's storage */
  async function scriptFile(doc: vscode.TextDocument): Promise<vscode.Uri | undefined> {
    if (doc.isUntitled) {
      const dir = path.join(context.globalStorageUri.fsPath, "untitled");
      fs.mkdirSync(dir, { recursive: true });
      const file = path.join(dir, "script.ts");
      fs.writeFileSync(file, doc.getText());
      return vscode.Uri.file(file);
    }
    if (doc.isDirty && !(await doc.save())) return undefined;
    return doc.uri;
  }

  // the extension activates as a typescript file opens (package.json activationEvents): by the
  // first Visualize of a window it is active, and a model script in front of the user has a worker
  // ready (the path bench: the click to the command ~300-600 -> ~150 ms in a new window).
  // the script last active in an editor: Visualize run while no text editor is active (from the
  // walkthrough's link, say) runs that one
  let lastScript: vscode.TextDocument | undefined;
  const remember = (editor: vscode.TextEditor | undefined) => {
    const doc = editor?.document;
    if (isScript(doc)) lastScript = doc;
    // a model script in front of the user: its run will start with a worker that is ready
    if (isScript(doc) && vscode.workspace.isTrusted && doc.getText().includes("backprop-stepper"))
      prepareWorker(workerPath(), readSettings().memoryMb);
  };
  remember(vscode.window.activeTextEditor);

  async function visualize(uri?: vscode.Uri): Promise<void> {
    const commandAt = hostTimes ? now() : undefined;
    if (!vscode.workspace.isTrusted) {
      const choice = await vscode.window.showWarningMessage(
        "Backprop Stepper runs your script, which is code, so it only runs in a trusted workspace. Trust this folder to visualize its scripts.",
        "Manage Workspace Trust",
      );
      if (choice) await vscode.commands.executeCommand("workbench.trust.manage");
      return;
    }
    const doc = uri ? await vscode.workspace.openTextDocument(uri) : (vscode.window.activeTextEditor?.document ?? openScript(lastScript));
    if (!isScript(doc)) {
      void vscode.window.showInformationMessage(
        'Open a TypeScript model script (a .ts file that imports "backprop-stepper") to visualize its backward pass.',
      );
      return;
    }
    const file = await scriptFile(doc);
    if (!file) return;
    const panel = GraphPanel.createOrShow(context.extensionUri, file, host);
    await runInPanel(panel, undefined, commandAt);
  }

  context.subscriptions.push(
    vscode.commands.registerCommand("backpropStepper.visualize", (uri?: vscode.Uri) => visualize(uri)),
    vscode.commands.registerCommand("backpropStepper.newScript", (file?: unknown) => pickExample(context.extensionUri, file)),
    vscode.commands.registerCommand("backpropStepper.showOutput", () => output.show(true)),
    vscode.commands.registerCommand("backpropStepper.exportGraph", () => exportGraph(GraphPanel.currentPanel)),
    vscode.window.onDidChangeActiveTextEditor(remember),
    vscode.workspace.onDidSaveTextDocument((doc) => {
      const panel = GraphPanel.currentPanel;
      if (panel && readSettings().rerunOnSave && doc.uri.toString() === panel.file.toString()) void runInPanel(panel);
    }),
    vscode.window.registerWebviewPanelSerializer(GraphPanel.viewType, {
      async deserializeWebviewPanel(webviewPanel: vscode.WebviewPanel, state: unknown) {
        webviewPanel.webview.options = getWebviewOptions(context.extensionUri);
        const file = (state as { file?: string } | undefined)?.file;
        if (!file || !fs.existsSync(file) || !vscode.workspace.isTrusted) {
          webviewPanel.dispose();
          return;
        }
        const panel = GraphPanel.revive(webviewPanel, context.extensionUri, vscode.Uri.file(file), host);
        await runInPanel(panel);
      },
    }),
  );

  return {
    onDidFinishRun: finished.event,
    panelStep: () => GraphPanel.currentPanel?.step,
  };
}

function isScript(doc: vscode.TextDocument | undefined): doc is vscode.TextDocument {
  return doc !== undefined && /^(typescript|javascript)$/.test(doc.languageId);
}

/** the document, unless it has been closed since */
function openScript(doc: vscode.TextDocument | undefined): vscode.TextDocument | undefined {
  return doc && !doc.isClosed ? doc : undefined;
}

export function deactivate(): void {
  GraphPanel.currentPanel?.dispose();
  disposeSpareWorker();
}

// the webview panel that shows one script's graph and steps its backward pass
import * as vscode from "vscode";
import * as path from "node:path";
import { toJson } from "../engine/json";
import type { FromWebview, ImageFormat, RunResult, ToWebview } from "../shared/protocol";
import { exportGraph } from "./exportGraph";
import { assertNever } from "../shared/protocol";
import { nonce } from "./nonce";

/** what the panel asks of the extension that owns it */
export interface PanelHost {
  /** run `file` for `panel`, cancelling the panel's previous run; keep call `captureCall` to draw */
  run(panel: GraphPanel, captureCall?: number): void;
  /** the panel went away: cancel its run */
  disposed(panel: GraphPanel): void;
}

export class GraphPanel {
  static readonly viewType = "backpropStepper.graph";
  static currentPanel: GraphPanel | undefined;

  private ready = false;
  private queue: ToWebview[] = [];
  /** the last run or error the page was sent: sent again when the page reloads (Developer: Reload Webviews) */
  private shown: ToWebview | undefined;
  private lastShape: string | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  /** the panel's step position, as the page last reported it */
  step = { step: 0, total: 0 };
  /** the run in flight, if any */
  abort: AbortController | undefined;
  /** the run the panel shows */
  result: RunResult | undefined;
  private readonly imageWaiters: ((data: string) => void)[] = [];

  static createOrShow(extensionUri: vscode.Uri, file: vscode.Uri, host: PanelHost): GraphPanel {
    if (GraphPanel.currentPanel) {
      // the panel stays in the column the user put it in: reveal it there, never "beside" the
      // active editor (with the panel focused, that would open a new column on every run)
      const current = GraphPanel.currentPanel;
      current.setFile(file);
      current.panel.reveal(current.panel.viewColumn, true);
      return current;
    }
    const panel = vscode.window.createWebviewPanel(
      GraphPanel.viewType,
      "Backprop",
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      {
        ...getWebviewOptions(extensionUri),
        retainContextWhenHidden: true,
      },
    );
    GraphPanel.currentPanel = new GraphPanel(panel, extensionUri, file, host);
    return GraphPanel.currentPanel;
  }

  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, file: vscode.Uri, host: PanelHost): GraphPanel {
    GraphPanel.currentPanel = new GraphPanel(panel, extensionUri, file, host);
    return GraphPanel.currentPanel;
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    file: vscode.Uri,
    private readonly host: PanelHost,
  ) {
    this.file = file;
    this.panel.title = `Backprop: ${this.fileName}`;
    this.panel.webview.options = getWebviewOptions(extensionUri);
    this.panel.webview.html = this.html();
    this.panel.iconPath = vscode.Uri.joinPath(extensionUri, "media", "icon.svg");
    this.panel.onDidDispose(() => this.dispose(), null, this.disposables);
    this.panel.webview.onDidReceiveMessage((msg: FromWebview) => this.receive(msg), null, this.disposables);
  }

  /** the script the panel shows */
  file: vscode.Uri;

  setFile(file: vscode.Uri): void {
    this.file = file;
    this.panel.title = `Backprop: ${this.fileName}`;
  }

  get fileName(): string {
    return path.basename(this.file.fsPath);
  }

  /** shows a finished run; keeps the step position when the graph's shape is unchanged */
  showResult(result: RunResult): void {
    const shape = result.trace ? shapeOf(result) : undefined;
    const keepPosition = shape !== undefined && shape === this.lastShape;
    this.lastShape = shape;
    this.result = result;
    this.post({ type: "showTrace", result, fileName: this.fileName, keepPosition });
  }

  /** the graph as the page draws it now: base64 png or svg text ("" when nothing is drawn) */
  requestImage(format: ImageFormat): Promise<string> {
    return new Promise((resolve) => {
      this.imageWaiters.push(resolve);
      this.post({ type: "renderImage", format });
    });
  }

  post(msg: ToWebview): void {
    if (msg.type === "showTrace" || msg.type === "showError") this.shown = msg;
    if (!this.ready) {
      this.queue.push(msg);
      return;
    }
    // NaN and infinities survive as strings (engine/json.ts); the page revives them
    void this.panel.webview.postMessage(toJson(msg));
  }

  private receive(msg: FromWebview): void {
    switch (msg.type) {
      case "ready": {
        // a page that loads again (its webview reloaded) starts empty: it is sent what it showed
        if (this.ready && this.shown) this.queue.push(this.shown.type === "showTrace" ? { ...this.shown, keepPosition: true } : this.shown);
        this.ready = true;
        const queued = this.queue;
        this.queue = [];
        queued.forEach((m) => this.post(m));
        break;
      }
      case "reveal":
        void this.reveal(msg.file ? vscode.Uri.file(msg.file) : this.file, msg.line, msg.column);
        break;
      case "stepChanged":
        this.step = { step: msg.step, total: msg.total };
        break;
      case "rerun":
        this.host.run(this);
        break;
      case "openCall":
        this.host.run(this, msg.index);
        break;
      case "export":
        void exportGraph(this);
        break;
      case "image":
        this.imageWaiters.shift()?.(msg.data);
        break;
      default:
        assertNever(msg);
    }
  }

  private async reveal(file: vscode.Uri, line: number, column: number): Promise<void> {
    const doc = await vscode.workspace.openTextDocument(file);
    const pos = new vscode.Position(Math.max(0, line - 1), Math.max(0, column - 1));
    await vscode.window.showTextDocument(doc, {
      viewColumn: vscode.ViewColumn.One,
      selection: new vscode.Range(pos, pos),
      preserveFocus: false,
    });
  }

  dispose(): void {
    GraphPanel.currentPanel = undefined;
    for (const waiter of this.imageWaiters.splice(0)) waiter("");
    this.host.disposed(this);
    this.panel.dispose();
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }

  private html(): string {
    const webview = this.panel.webview;
    const script = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, "dist", "webview.js"));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, "media", "panel.css"));
    const tableStyle = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, "media", "table.css"));
    const n = nonce();
    const csp = [
      "default-src 'none'",
      `img-src ${webview.cspSource} data: blob:`,
      `style-src ${webview.cspSource}`,
      `font-src ${webview.cspSource}`,
      `script-src 'nonce-${n}'`,
    ].join("; ");
    return /* html */ `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${csp}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link href="${style}" rel="stylesheet">
  <link href="${tableStyle}" rel="stylesheet">
  <!-- cytoscape adds a <style> element unless one with this id exists; the csp would block it -->
  <meta id="__________cytoscape_stylesheet">
  <title>Backprop</title>
</head>
<body>
  <div id="app"></div>
  <script nonce="${n}" src="${script}"></script>
</body>
</html>`;
  }
}

/** the page loads only our bundle and stylesheet */
export function getWebviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, "dist"), vscode.Uri.joinPath(extensionUri, "media")],
  };
}

/** two runs have the same shape when their graphs have the same ops wired the same way */
function shapeOf(result: RunResult): string {
  const t = result.trace!;
  return `${result.calls.length}|` + t.nodes.map((n) => `${n.op}(${n.children.length})`).join(",");
}

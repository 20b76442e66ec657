// the webview panel that shows one script's graph and steps its backward pass
import * as vscode from "vscode";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Trace } from "../engine/trace";
import type { BackwardSummary, CallMismatch, FromWebview, ImageFormat, Posted, RunResult, ToWebview } from "../shared/protocol";
import { now } from "../shared/timing";
import { shapeOfColumns } from "../shared/traceColumns";
import { postedOf } from "../shared/posted";
import { assertNever } from "../shared/protocol";
import type { ExportSource } from "./exportGraph";
import { pageHtml } from "./pageHtml";

/** what the panel asks of the extension that owns it */
export interface PanelHost {
  /** run the panel's script (under the panel's startRun()); keep call `captureCall` to draw */
  run(panel: GraphPanel, captureCall?: number): void;
  /** the page asked to export the graph it shows */
  export(panel: GraphPanel): void;
}

/** a step position as the page reports it */
export interface StepPosition {
  readonly step: number;
  readonly total: number;
}

export class GraphPanel implements ExportSource {
  static readonly viewType = "backpropStepper.graph";
  private static current: GraphPanel | undefined;

  /** the open panel, if any */
  static get currentPanel(): GraphPanel | undefined {
    return GraphPanel.current;
  }

  private ready = false;
  /** what was posted before the page said "ready": posted again then (the page handles a seq once) */
  private queue: Posted[] = [];
  /** the count of messages posted to the page (Posted.seq) */
  private seq = 0;
  /**
   * what the page was sent that it shows: sent again when the page reloads (Developer: Reload
   * Webviews). a failure with nothing to draw is shown above the graph before it, so both are kept
   */
  private shown: ToWebview[] = [];
  private lastShape: string | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  /** the script the panel shows */
  private script: vscode.Uri;
  /** the step position, as the page last reported it */
  private position: StepPosition = { step: 0, total: 0 };
  /** the run in flight, if any: the next run and dispose() cancel it */
  private running: AbortController | undefined;
  /** the run whose graph the page draws: the last shown whole, or what a failed run did before it failed */
  private result: RunResult | undefined;
  /** the backward() calls of the loss curve the page draws, which a click picks from */
  private curve: readonly BackwardSummary[] | undefined;
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
    GraphPanel.current = new GraphPanel(panel, extensionUri, file, host);
    return GraphPanel.current;
  }

  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, file: vscode.Uri, host: PanelHost): GraphPanel {
    GraphPanel.current = new GraphPanel(panel, extensionUri, file, host);
    return GraphPanel.current;
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    file: vscode.Uri,
    private readonly host: PanelHost,
  ) {
    this.script = file;
    this.panel.title = `Backprop: ${this.fileName}`;
    this.panel.webview.options = getWebviewOptions(extensionUri);
    this.panel.webview.html = this.html();
    this.panel.iconPath = vscode.Uri.joinPath(extensionUri, "media", "icon.svg");
    this.panel.onDidDispose(() => this.dispose(), null, this.disposables);
    this.panel.webview.onDidReceiveMessage((msg: FromWebview) => this.receive(msg), null, this.disposables);
  }

  /** the script the panel shows */
  get file(): vscode.Uri {
    return this.script;
  }

  setFile(file: vscode.Uri): void {
    this.script = file;
    this.panel.title = `Backprop: ${this.fileName}`;
  }

  get fileName(): string {
    return path.basename(this.script.fsPath);
  }

  /** the step position, as the page last reported it */
  get step(): StepPosition {
    return this.position;
  }

  /** the trace of the graph the page draws, if it has one */
  get trace(): Trace | undefined {
    return this.result?.trace;
  }

  /** call `index` as the page's loss curve shows it, if the curve has it */
  curveCall(index: number): BackwardSummary | undefined {
    // the worker lists every backward() call in order, the engine numbering them from 0
    return this.curve?.[index];
  }

  /** a new run of the panel's script: cancels the one in flight; the next run or dispose() cancels this one */
  startRun(): AbortSignal {
    this.running?.abort();
    this.running = new AbortController();
    return this.running.signal;
  }

  /**
   * shows a finished run; keeps the step position when the graph's shape is unchanged. `mismatch`:
   * the run drew a call picked on the curve, and did not make it as it was clicked
   */
  showResult(result: RunResult, mismatch?: CallMismatch): void {
    // the columns first: reading result.trace would decode them here, in the host
    const shape = result.columns || result.trace ? shapeOf(result) : undefined;
    const keepPosition = shape !== undefined && shape === this.lastShape;
    this.lastShape = shape;
    this.post({ type: "showTrace", result, fileName: this.fileName, keepPosition, ...(mismatch ? { mismatch } : {}) });
  }

  /** the graph as the page draws it now: base64 png or svg text ("" when nothing is drawn) */
  requestImage(format: ImageFormat): Promise<string> {
    return new Promise((resolve) => {
      this.imageWaiters.push(resolve);
      this.post({ type: "renderImage", format });
    });
  }

  post(msg: ToWebview): void {
    // the page draws the graph and the curve of a run shown whole, or of what a failed run did
    // before it failed; a failure that did nothing stays above the graph shown before it
    const draws = msg.type === "showTrace" || (msg.type === "showError" && msg.result !== undefined && msg.result.calls.length > 0);
    if (draws) {
      this.shown = [msg];
      this.result = msg.result;
      this.curve = msg.result?.calls;
    } else if (msg.type === "showError") this.shown = [...this.shown.filter((m) => m.type === "showTrace"), msg];
    // NaN and infinities survive as strings (engine/json.ts); the page revives them
    const result = msg.type === "showTrace" || msg.type === "showError" ? msg.result : undefined;
    const timing = result?.timing;
    const encodeAt = timing ? now() : 0;
    const posted = postedOf(msg, result);
    posted.seq = ++this.seq;
    if (timing) posted.times = { "host.encode": encodeAt, "host.encoded": now() };
    // a page still loading for the first time gets it as soon as it has loaded (vs code holds a
    // new webview's messages until then), not after its "ready" has come here and this has gone
    // back; it is sent again on "ready", in case a webview did not hold it
    if (!this.ready) this.queue.push(posted);
    void this.panel.webview.postMessage(posted);
  }

  private receive(msg: FromWebview): void {
    switch (msg.type) {
      case "ready": {
        // a page that loads again (its webview reloaded) starts empty: it is sent what it showed
        if (this.ready) {
          this.shown.forEach((m) => this.post(m.type === "showTrace" ? { ...m, keepPosition: true } : m));
          break;
        }
        this.ready = true;
        const queued = this.queue;
        this.queue = [];
        queued.forEach((posted) => void this.panel.webview.postMessage(posted));
        break;
      }
      case "reveal":
        void this.reveal(msg.file ? vscode.Uri.file(msg.file) : this.script, msg.line, msg.column);
        break;
      case "stepChanged":
        this.position = { step: msg.step, total: msg.total };
        break;
      case "rerun":
        this.host.run(this);
        break;
      case "openCall":
        this.host.run(this, msg.index);
        break;
      case "export":
        this.host.export(this);
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
    if (GraphPanel.current === this) GraphPanel.current = undefined;
    for (const waiter of this.imageWaiters.splice(0)) waiter("");
    this.running?.abort();
    this.panel.dispose();
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }

  private html(): string {
    const webview = this.panel.webview;
    const root = this.extensionUri.fsPath;
    const map = path.join(root, "dist", "webview.js.map");
    const sourceMap = fs.existsSync(map) ? webview.asWebviewUri(vscode.Uri.file(map)).toString() : undefined;
    return pageHtml(root, webview.cspSource, sourceMap);
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
  const c = result.columns;
  if (c) return `${result.calls.length}|` + shapeOfColumns(c);
  const t = result.trace!;
  return `${result.calls.length}|` + t.nodes.map((n) => `${n.op}(${n.children.length})`).join(",");
}

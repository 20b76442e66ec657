// the one set of message types between the extension host, the script worker and the webview.
// types, and the one helper that closes a switch over them.
import type { Trace } from "../engine/trace";
import type { Decision } from "../engine/types";
import type { Times } from "./timing";
import type { TraceColumns } from "./traceColumns";

/** a place in the user's source (1-based line and column) */
export interface SourcePos {
  file: string;
  line: number;
  column: number;
}

/** why a run of the user's script failed */
export type ScriptErrorKind = "syntax" | "import" | "runtime" | "timeout" | "memory" | "crash" | "cancelled";

/** a failure with the place in the user's own file it belongs to, when there is one */
export interface ScriptError {
  kind: ScriptErrorKind;
  message: string;
  /** the user's own line, source-mapped */
  pos?: SourcePos;
  /** stack frames in the user's own files, innermost first, already source-mapped */
  stack?: SourcePos[];
  /** what to do about it, when there is something to say (a setting to raise, a snippet) */
  hint?: string;
}

/** one backward() call of a run: enough to plot the loss per call */
export interface BackwardSummary {
  index: number;
  /** the root's data: the loss, in a training loop */
  loss: number;
  nodeCount: number;
  accumulated: boolean;
  /** false when the script switched recording off for this call */
  recorded: boolean;
  /** what the script reported with track(name, value) after this call's backward() and before the next one's (before the first: the first's); absent when nothing */
  metrics?: Record<string, number>;
}

/** what a finished run hands back */
export interface RunResult {
  file: string;
  calls: BackwardSummary[];
  /** the last recorded backward() call, whole; undefined when no call was recorded or it was too big */
  trace?: Trace;
  /**
   * the same call as columns (shared/traceColumns.ts), as it travels from the worker to the host and
   * on to the page, which decode it into `trace`
   */
  columns?: TraceColumns;
  /** set when the last call's graph was larger than the node cap and was not sent whole */
  tooBig?: { nodeCount: number; maxNodes: number };
  /** how long the script ran, in ms */
  elapsedMs: number;
  /** set when the run made more values than get their creation line recorded (this many do) */
  locatedLimit?: number;
  /** set when the script ended itself with process.exit(code) and a code other than 0 */
  exitCode?: number;
  /** the drawn call's showDecision picture: a two-input model's output over the plane (grid) with the data points; absent when the script showed none for that call */
  decision?: Decision;
  /** timestamps of the run's way to the page (shared/timing.ts), only when the bench asks for them */
  timing?: Times;
}

// ---- host <-> worker (child process, node ipc with structured clone, so NaN survives) ----

/** host -> worker: run this file */
export interface RunRequest {
  type: "run";
  file: string;
  maxNodes: number;
  /** keep this backward() call (its index) for the panel instead of the last one */
  captureCall?: number;
  /** a folder of the run's own, for the worker's last words on process.exit (the host removes it) */
  tmpDir: string;
  /** the worker stops itself this long after it starts, whatever the script does */
  deadlineMs: number;
  /** MB the script may add to the process's memory (heap, typed arrays and buffers alike) */
  memoryMb: number;
  /** ms the worker may spend on the drawn call's numeric check (the panel finishes a big graph's) */
  numericBudgetMs: number;
  /** false: the run's trace is not wanted (`backprop-stepper run`), none is built */
  trace: boolean;
}
/** host -> worker: the time limit has passed; send what the run has, if the script lets you */
export interface StopRequest {
  type: "stop";
}
export type ToWorker = RunRequest | StopRequest;

/** worker -> host: one console call of the script, in order */
export interface ConsoleMessage {
  type: "console";
  level: "log" | "info" | "warn" | "error" | "debug";
  /** what the script wrote, as written: a console call's line ends with "\n"; runs of one level come joined */
  text: string;
}
/** worker -> host: the script finished */
export interface DoneMessage {
  type: "done";
  result: RunResult;
}
/** worker -> host: the script failed at a place in the user's file */
export interface FailedMessage {
  type: "failed";
  error: ScriptError;
  /** what the run had done before it failed, when it made backward() calls */
  result?: RunResult;
}
/** worker -> host: backward() calls as they happen, so a run that is killed still has them */
export interface CallsMessage {
  type: "calls";
  calls: BackwardSummary[];
}
/** worker -> host: the answer to a StopRequest, when the script's event loop was free to give it */
export interface StoppedMessage {
  type: "stopped";
  result: RunResult;
  /** what kept the script running: node's names for its pending handles ("Timeout", "TCPServerWrap") */
  pending: string[];
}
export type FromWorker = ConsoleMessage | DoneMessage | FailedMessage | CallsMessage | StoppedMessage;

// ---- host <-> webview (postMessage; numbers that are NaN or infinite travel as strings, see engine/json.ts) ----

/**
 * what the host posts to the page: one of ToWebview as JSON (engine/json.ts toJson) without its
 * result's columns; those beside it (their small parts as JSON, the buffer as it is: vs code sends
 * an ArrayBuffer in a message as bytes); timestamps when the bench asks for them
 */
export interface Posted {
  /**
   * the host's count of its messages to this page, from 1: a message the host sent twice (as the
   * page was loading, and again once it said "ready") is handled once
   */
  seq?: number;
  json: string;
  columns?: string;
  buffer?: ArrayBuffer;
  times?: Times;
}

/** host -> webview: a run finished; draw its graph */
export interface ShowTraceMessage {
  type: "showTrace";
  result: RunResult;
  /** the script's file name, for the title */
  fileName: string;
  /** keep the user's step position when the graph's shape did not change */
  keepPosition: boolean;
  /** set when this is a call picked on the loss curve and the script's re-run did not make it again as it was */
  mismatch?: CallMismatch;
}
/** a call picked on the loss curve that the script's re-run did not make again as it was */
export interface CallMismatch {
  /** the call clicked (its index in the run) */
  index: number;
  /** what the curve showed for it */
  clicked: { loss: number; nodeCount: number };
  /** what the re-run made at that index; absent when the re-run made fewer calls */
  rerun?: { loss: number; nodeCount: number };
}
/** host -> webview: a run has started */
export interface RunStateMessage {
  type: "runState";
  state: "running";
  fileName: string;
}
/** host -> webview: the run failed; show why */
export interface ShowErrorMessage {
  type: "showError";
  error: ScriptError;
  fileName: string;
  /** what the run had done before it ended badly: its calls, and its last recorded one when there is one */
  result?: RunResult;
}
/** host -> webview: draw the graph as it is now into an image, for Export */
export interface RenderImageMessage {
  type: "renderImage";
  format: ImageFormat;
}
export type ImageFormat = "png" | "svg";
export type ToWebview = ShowTraceMessage | RunStateMessage | ShowErrorMessage | RenderImageMessage;

/** webview -> host: the page has loaded and listens; the host queues posts until then */
export interface ReadyMessage {
  type: "ready";
}
/** webview -> host: the user clicked a node or an error: reveal that line */
export interface RevealMessage {
  type: "reveal";
  line: number;
  column: number;
  /** the file, when not the panel's script */
  file?: string;
}
/** webview -> host: the stepper moved (tests and the status read it) */
export interface StepChangedMessage {
  type: "stepChanged";
  step: number;
  total: number;
}
/** webview -> host: run the script again */
export interface RerunMessage {
  type: "rerun";
}
/** webview -> host: show this backward() call of the run (picked on the loss curve) */
export interface OpenCallMessage {
  type: "openCall";
  index: number;
}
/** webview -> host: the user asked to export the graph (the host asks how and where) */
export interface ExportMessage {
  type: "export";
}
/** webview -> host: the image asked for by RenderImageMessage: base64 for png, text for svg; empty when nothing is drawn */
export interface ImageMessage {
  type: "image";
  format: ImageFormat;
  data: string;
}
export type FromWebview = ReadyMessage | RevealMessage | StepChangedMessage | RerunMessage | OpenCallMessage | ExportMessage | ImageMessage;

/** ends a switch over a message union: a new message type that is not handled fails to compile */
export function assertNever(x: never): never {
  throw new Error(`unhandled message: ${JSON.stringify(x)}`);
}

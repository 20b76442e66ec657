// what the worker tells the host, in the order it happened. a script that writes little has each
// message sent at once (node writes to the ipc pipe before send() returns, so a line printed just
// before an endless loop still arrives); past 50 messages in 20 ms, and while they keep coming that
// fast, messages of one kind are joined and sent in 64 KB batches: one message per line made a million console.log calls take minutes.
import * as fs from "node:fs";
import * as path from "node:path";
import { serialize } from "node:v8";
import type { CallsMessage, ConsoleMessage, FromWorker } from "../shared/protocol";

const BATCH_CHARS = 64 * 1024;
const WINDOW_MS = 20;
const WINDOW_SENDS = 50;

/** the file a worker that must end at once (process.exit) leaves its last messages in */
export const LAST_WORDS = "last-words.v8";
/** the file a worker leaves when its script has finished and its output is still on the way */
export const DRAINING = "draining";

type Streamed = ConsoleMessage | CallsMessage;

let pending: Streamed | undefined;
let timer: ReturnType<typeof setTimeout> | undefined;
let windowStart = -Infinity;
/** messages queued in the current window */
let windowCount = 0;
/** the last window was full: keep batching */
let flooding = false;

// the channel's own send, taken before the script runs: a script that replaces process.send (or
// disconnects, see worker.ts) does not silence the run
const ipcSend = process.send?.bind(process);

export function send(msg: FromWorker): Promise<void> {
  return new Promise((resolve) => {
    if (!ipcSend) return resolve();
    try {
      ipcSend(msg, undefined, undefined, () => resolve());
    } catch {
      // the channel is gone: the host judges the run by how the process ended
      resolve();
    }
  });
}

/** sends what is batched */
export function flush(): void {
  if (timer) clearTimeout(timer);
  timer = undefined;
  if (pending) void send(pending);
  pending = undefined;
}

const size = (m: Streamed) => (m.type === "console" ? m.text.length : m.calls.length * 64);

/** queues a message of the script's stream: its output, or backward() calls */
export function stream(msg: Streamed): void {
  if (pending?.type === "console" && msg.type === "console" && pending.level === msg.level) pending.text += msg.text;
  else if (pending?.type === "calls" && msg.type === "calls") pending.calls.push(...msg.calls);
  else {
    flush();
    pending = msg;
  }
  const now = performance.now();
  if (now - windowStart > WINDOW_MS) {
    flooding = windowCount >= WINDOW_SENDS && now - windowStart < 2 * WINDOW_MS;
    windowStart = now;
    windowCount = 0;
  }
  windowCount++;
  if ((!flooding && windowCount <= WINDOW_SENDS) || size(pending!) >= BATCH_CHARS) flush();
  // unref'd: a batch never keeps a finished script alive (the run's last message flushes it)
  else if (!timer) (timer = setTimeout(flush, WINDOW_MS)).unref();
}

/**
 * for a worker that must end now (the script called process.exit): the batch and the last message
 * are written to a file in the run's folder, which the host reads when the process has gone
 */
export function lastWords(tmpDir: string, msg: FromWorker): void {
  const batch = pending ? [pending] : [];
  pending = undefined;
  try {
    fs.writeFileSync(path.join(tmpDir, LAST_WORDS), serialize([...batch, msg]));
  } catch {
    // the folder is gone: the host has already given up on this run
  }
}

// the whole path in a real VS Code (code-server, headless chromium, 1600x1000), from the palette's
// "Backprop: Visualize Backprop" to the panel showing that script's steps, phase by phase. printed,
// not asserted (the machine has 2 cores; the load average is printed first and last).
//
//   npm run bench                      (builds, then the engine, render and this bench)
//   node bench/path.bench.mjs          (after `npm run build`; BENCH_RUNS=5 for more runs,
//                                      BENCH_ONLY=moons for the scripts whose name has it)
//
// the timestamps are the product's own (src/shared/timing.ts), on only when the extension host's
// environment has BACKPROP_STEPPER_TIMING=1, which this bench sets: the host's command and run, the
// worker's start, script, trace build, numeric check and send, the host's receipt and encoding, the
// page's receipt, parse, and the second frame after the graph is drawn ("painted"). the bench
// takes the time just before it clicks the palette's row; the end is "painted" (the panel then reads
// "Step 0 of N" for that file, which the bench checks).
//
// cold: a new window (a fresh extension host, the extension not active), neuron.ts opened, then the
// command (the extension activates as the file opens), three ways: "idle", once the machine is idle
// (the issue's "editor idle": the typescript server has loaded the script's project, ~10 s here);
// "read 2 s", two seconds after it opened (the typescript server still loading, on 2 cores); "at
// once", as soon as the file is open (the extension's activation on the way). the panel and its page load
// with the run. warm: the panel is open (it showed another run): xor, iris (3-layer relu, 30
// epochs, accuracy tracked), moons (examples/moons.ts: 20 steps of micrograd's two-moons MLP, the
// last drawn, 65,814 values), and the long sum ((p - 0.5)² over 15,000 terms, 75,001 values in one
// chain). medians of BENCH_RUNS runs (default 3); the small scripts get one run first that is not
// counted. the time limit is raised to 60 s in the workspace's settings so the long sum finishes
// (10 s is the default).
//
// phases (ms, medians; "share" of the total):
//   to host        the click -> the extension's command handler (cold: the extension's activation)
//   host start     the command -> the worker forked (saving the file, opening the panel)
//   worker boot    fork -> the worker's bundle has loaded
//   script load    the run's request -> the script's first line (the loader, transpiling the script)
//   script         the script's first line -> its end (the user's code, recording)
//   trace build    the script's end -> the drawn call's trace built
//   numeric        the numeric check in the worker (a big graph's is left to the page)
//   update, picture the drawn call's update and showDecision's picture (after the columns; before, in "worker encode")
//   worker encode  the trace to columns (after: shared/traceColumns.ts), the result put together
//   worker->host   the worker's send -> the host's receipt (v8 serialisation, the pipe)
//   host           receipt -> encoding (the run's bookkeeping in the host)
//   encode         the host's encoding of the message for the page
//   host->page     the post -> the page's message event
//   parse          the page decoding the message
//   draw           decoded -> the second frame after the first draw
//   peak MB        the worker's peak resident memory (maxRSS)
//
// BEFORE (the first speed work: json from the worker's trace objects, toJson in the host, JSON.parse
// in the page; built from f877fac) and AFTER it (columns to the page, the numeric check after the first
// draw, a spare worker, a minified page), one after the other, 2026-12-03 06:54-07:01, load 3.3-4.6:
// BEFORE, low load:
//   neuron.ts cold         3.36 s   10 values   peak 67 MB
//                          to host 588 (17%), host start 26 (1%), worker boot 784 (23%), script load 896 (27%), script 31 (1%), trace build 2 (0%), numeric 2 (0%), worker encode 1 (0%), worker->host 53 (2%), host 721 (21%), encode 1 (0%), host->page 15 (0%), parse 0 (0%), draw 210 (6%)
//                          the page: panel open 1003, page bundle 1244, ready 64, ready -> message 107
//   neuron.ts warm         0.83 s   10 values   peak 66 MB
//                          to host 210 (25%), host start 1 (0%), worker boot 354 (43%), script load 189 (23%), script 10 (1%), trace build 1 (0%), numeric 3 (0%), worker encode 0 (0%), worker->host 1 (0%), host 12 (1%), encode 0 (0%), host->page 8 (1%), parse 0 (0%), draw 24 (3%)
//   xor.ts warm            1.71 s   154 values   peak 77 MB
//                          to host 132 (8%), host start 1 (0%), worker boot 347 (20%), script load 301 (18%), script 428 (25%), trace build 3 (0%), numeric 5 (0%), worker encode 72 (4%), worker->host 7 (0%), host 7 (0%), encode 2 (0%), host->page 56 (3%), parse 3 (0%), draw 186 (11%)
//   iris-train.ts warm     1.39 s   2,332 values   peak 89 MB
//                          to host 101 (7%), host start 1 (0%), worker boot 279 (20%), script load 146 (11%), script 534 (38%), trace build 16 (1%), numeric 50 (4%), worker encode 1 (0%), worker->host 29 (2%), host 4 (0%), encode 22 (2%), host->page 113 (8%), parse 8 (1%), draw 39 (3%)
//   moons.ts warm          10.75 s   65,814 values   peak 343 MB
//                          to host 126 (1%), host start 1 (0%), worker boot 323 (3%), script load 191 (2%), script 1948 (18%), trace build 348 (3%), numeric 6 (0%), worker encode 180 (2%), worker->host 1986 (18%), host 49 (0%), encode 611 (6%), host->page 2962 (28%), parse 656 (6%), draw 1173 (11%)
//   long-sum.ts warm       8.09 s   75,001 values   peak 159 MB
//                          to host 116 (1%), host start 1 (0%), worker boot 338 (4%), script load 199 (2%), script 707 (9%), trace build 343 (4%), numeric 6 (0%), worker encode 11 (0%), worker->host 1947 (24%), host 54 (1%), encode 552 (7%), host->page 2352 (29%), parse 488 (6%), draw 603 (7%)
// AFTER, low load:
//   neuron.ts cold         2.87 s   10 values   peak 65 MB
//                          to host 843 (29%), host start 25 (1%), worker boot 433 (15%), script load 265 (9%), script 62 (2%), trace build 3 (0%), numeric 0 (0%), worker encode 4 (0%), worker->host 36 (1%), host 979 (34%), encode 0 (0%), host->page 29 (1%), parse 2 (0%), draw 288 (10%)
//                          the page: panel open 879, page bundle 694, ready 56, ready -> message 92
//   neuron.ts warm         0.47 s   10 values   peak 65 MB
//                          to host 182 (39%), host start 1 (0%), worker boot 0 (0%), script load 160 (34%), script 13 (3%), trace build 1 (0%), numeric 0 (0%), worker encode 2 (0%), worker->host 1 (0%), host 14 (3%), encode 0 (0%), host->page 11 (2%), parse 0 (0%), draw 45 (10%)
//   xor.ts warm            0.92 s   154 values   peak 75 MB
//                          to host 141 (15%), host start 1 (0%), worker boot 0 (0%), script load 120 (13%), script 313 (34%), trace build 13 (1%), numeric 0 (0%), worker encode 64 (7%), worker->host 2 (0%), host 7 (1%), encode 4 (0%), host->page 51 (6%), parse 1 (0%), draw 172 (19%)
//   iris-train.ts warm     1.05 s   2,332 values   peak 78 MB
//                          to host 220 (21%), host start 1 (0%), worker boot 0 (0%), script load 131 (12%), script 415 (39%), trace build 24 (2%), numeric 1 (0%), worker encode 22 (2%), worker->host 5 (0%), host 16 (2%), encode 1 (0%), host->page 69 (7%), parse 2 (0%), draw 125 (12%)
//   moons.ts warm          7.11 s   65,814 values   peak 298 MB
//                          to host 164 (2%), host start 4 (0%), worker boot 0 (0%), script load 268 (4%), script 2222 (31%), trace build 428 (6%), numeric 6 (0%), worker encode 555 (8%), worker->host 299 (4%), host 158 (2%), encode 20 (0%), host->page 1447 (20%), parse 243 (3%), draw 1091 (15%)
//   long-sum.ts warm       5.07 s   75,001 values   peak 200 MB
//                          to host 206 (4%), host start 1 (0%), worker boot 0 (0%), script load 182 (4%), script 973 (19%), trace build 669 (13%), numeric 13 (0%), worker encode 502 (10%), worker->host 165 (3%), host 65 (1%), encode 0 (0%), host->page 1457 (29%), parse 83 (2%), draw 681 (13%)
// then (2026-12-03 07:52 and 09:17, load 1.4-3.7 and 1.4-3.0; before: main at b121338; after: the
// page's bundle inline in its HTML, a new page's messages sent at once, showDecision's picture from
// one recorded forward, a recorded pass's steps left to the page (worked out from the nodes) and the
// optional fields packed (moons 11.2 -> 4.7 MB), the worker's trace built without its steps, the
// page's forward facts and shares lazy and a big graph's table a frame later, the engine's values
// three fields smaller and its sort cheaper; "update, picture" was inside "worker encode" before):
// BEFORE, this session:
//   neuron.ts cold         3.13 s   10 values   peak 66 MB
//                          to host 995 (32%), host start 51 (2%), worker boot 671 (21%), script load 229 (7%), script 58 (2%), trace build 1 (0%), numeric 0 (0%), worker encode 8 (0%), worker->host 17 (1%), host 340 (11%), encode 0 (0%), host->page 52 (2%), parse 2 (0%), draw 209 (7%)
//                          the page: panel open 723, page bundle 844, ready 64, ready -> message 118
//   neuron.ts warm         0.24 s   10 values   peak 65 MB
//                          to host 107 (44%), host start 1 (0%), worker boot 0 (0%), script load 68 (28%), script 10 (4%), trace build 1 (0%), numeric 0 (0%), worker encode 3 (1%), worker->host 1 (0%), host 5 (2%), encode 0 (0%), host->page 11 (5%), parse 0 (0%), draw 28 (12%)
//   xor.ts warm            0.51 s   154 values   peak 75 MB
//                          to host 77 (15%), host start 1 (0%), worker boot 0 (0%), script load 97 (19%), script 137 (27%), trace build 3 (1%), numeric 0 (0%), worker encode 68 (13%), worker->host 2 (0%), host 6 (1%), encode 1 (0%), host->page 17 (3%), parse 1 (0%), draw 99 (19%)
//   iris-train.ts warm     0.62 s   2,332 values   peak 78 MB
//                          to host 79 (13%), host start 1 (0%), worker boot 0 (0%), script load 112 (18%), script 181 (29%), trace build 18 (3%), numeric 1 (0%), worker encode 21 (3%), worker->host 2 (0%), host 9 (1%), encode 1 (0%), host->page 47 (8%), parse 1 (0%), draw 86 (14%)
//   moons.ts warm          3.23 s   65,814 values   peak 295 MB
//                          to host 94 (3%), host start 1 (0%), worker boot 0 (0%), script load 110 (3%), script 1051 (32%), trace build 235 (7%), numeric 5 (0%), worker encode 372 (12%), worker->host 104 (3%), host 16 (0%), encode 6 (0%), host->page 597 (18%), parse 69 (2%), draw 565 (17%)
//   long-sum.ts warm       2.60 s   75,001 values   peak 197 MB
//                          to host 77 (3%), host start 1 (0%), worker boot 0 (0%), script load 94 (4%), script 564 (22%), trace build 255 (10%), numeric 6 (0%), worker encode 195 (7%), worker->host 88 (3%), host 104 (4%), encode 0 (0%), host->page 731 (28%), parse 63 (2%), draw 432 (17%)
// AFTER, this session (moons and the cold neuron again at load 0.9-1.6, 5 runs: moons 2.43 s, the
// cold neuron 1.91 s; VS Code takes 1.0-1.5 s from the click to our page's first line, activating
// the extension and creating the webview; ours is the rest):
//   neuron.ts cold         3.01 s   10 values   peak 65 MB
//                          to host 777 (26%), host start 189 (6%), worker boot 0 (0%), script load 138 (5%), script 30 (1%), trace build 9 (0%), numeric 0 (0%), update, picture 1 (0%), worker encode 6 (0%), worker->host 14 (0%), host 43 (1%), encode 0 (0%), host->page 848 (28%), parse 9 (0%), draw 325 (11%)
//                          the page: panel open 904, page bundle 242, ready 82, ready -> message 91
//                          the host: click -> bundle loaded 587, activate 96, activated -> command 142
//   neuron.ts warm         0.21 s   10 values   peak 65 MB
//                          to host 77 (37%), host start 1 (0%), worker boot 0 (0%), script load 66 (32%), script 12 (6%), trace build 1 (0%), numeric 0 (0%), update, picture 0 (0%), worker encode 2 (1%), worker->host 1 (0%), host 5 (2%), encode 0 (0%), host->page 7 (3%), parse 0 (0%), draw 29 (14%)
//   xor.ts warm            0.41 s   154 values   peak 71 MB
//                          to host 81 (20%), host start 1 (0%), worker boot 0 (0%), script load 76 (19%), script 148 (36%), trace build 1 (0%), numeric 0 (0%), update, picture 9 (2%), worker encode 2 (0%), worker->host 1 (0%), host 7 (2%), encode 1 (0%), host->page 16 (4%), parse 1 (0%), draw 77 (19%)
//   iris-train.ts warm     0.66 s   2,332 values   peak 74 MB
//                          to host 87 (13%), host start 1 (0%), worker boot 0 (0%), script load 124 (19%), script 276 (42%), trace build 16 (2%), numeric 0 (0%), update, picture 1 (0%), worker encode 9 (1%), worker->host 2 (0%), host 12 (2%), encode 1 (0%), host->page 50 (8%), parse 3 (0%), draw 77 (12%)
//   moons.ts warm          2.98 s   65,814 values   peak 245 MB
//                          to host 107 (4%), host start 1 (0%), worker boot 0 (0%), script load 97 (3%), script 1244 (42%), trace build 94 (3%), numeric 5 (0%), update, picture 27 (1%), worker encode 87 (3%), worker->host 29 (1%), host 28 (1%), encode 9 (0%), host->page 472 (16%), parse 86 (3%), draw 616 (21%)
//   long-sum.ts warm       2.02 s   75,001 values   peak 140 MB
//                          to host 80 (4%), host start 1 (0%), worker boot 0 (0%), script load 70 (3%), script 544 (27%), trace build 158 (8%), numeric 6 (0%), update, picture 31 (2%), worker encode 118 (6%), worker->host 22 (1%), host 17 (1%), encode 0 (0%), host->page 331 (16%), parse 65 (3%), draw 444 (22%)
// then (2026-12-03 12:21, load 0.8 at the start, 4.4 at the end; before: the AFTER above; after:
// the extension active as a typescript file opens, with a model script's worker ready; the chain
// rule's edges in its loop and the sort's order one kind of array (the engine bench: the moons loop
// ~15-20% faster); a 40 MB young generation in the worker). the cold neuron now has two rows: the
// script opened and read 2 s before the command, and the command as soon as it is open:
//   neuron.ts cold         2.08 s   10 values   peak 70 MB
//                          to host 161 (8%), host start 57 (3%), worker boot 0 (0%), script load 235 (11%), script 21 (1%), trace build 2 (0%), numeric 0 (0%), update, picture 0 (0%), worker encode 5 (0%), worker->host 8 (0%), host 89 (4%), encode 0 (0%), host->page 947 (45%), parse 13 (1%), draw 398 (19%)
//                          the page: panel open 895, page bundle 269, ready 61, ready -> message 65
//   neuron.ts cold, at once 2.10 s   10 values   peak 67 MB
//                          to host 498 (24%), host start 85 (4%), worker boot 0 (0%), script load 264 (13%), script 59 (3%), trace build 6 (0%), numeric 0 (0%), update, picture 0 (0%), worker encode 2 (0%), worker->host 14 (1%), host 57 (3%), encode 1 (0%), host->page 475 (23%), parse 3 (0%), draw 222 (11%)
//                          the page: panel open 839, page bundle 239, ready 147, ready -> message 80
//   neuron.ts warm         0.28 s   10 values   peak 69 MB
//   xor.ts warm            0.41 s   154 values   peak 76 MB
//   iris-train.ts warm     0.57 s   2,332 values   peak 89 MB
//   moons.ts warm          2.06 s   65,814 values   peak 239 MB
//                          to host 78 (4%), host start 1 (0%), worker boot 0 (0%), script load 79 (4%), script 682 (33%), trace build 68 (3%), numeric 4 (0%), update, picture 18 (1%), worker encode 93 (5%), worker->host 29 (1%), host 19 (1%), encode 7 (0%), host->page 308 (15%), parse 89 (4%), draw 579 (28%)
//   long-sum.ts warm       1.56 s   75,001 values   peak 196 MB
// then (2026-12-03 14:51, load 1.4 at the start, 3.6 at the end; after: the engine primed before
// the script, baseline code from a function's first call, v8's compiler on its own thread again;
// the cold neuron in three rows, "idle" new):
//   neuron.ts cold, idle   1.25 s   10 values   peak 73 MB
//                          to host 142 (11%), host start 22 (2%), worker boot 0 (0%), script load 153 (12%), script 27 (2%), trace build 2 (0%), numeric 0 (0%), update, picture 0 (0%), worker encode 7 (1%), worker->host 1 (0%), host 14 (1%), encode 0 (0%), host->page 610 (49%), parse 3 (0%), draw 204 (16%)
//                          the page: panel open 579, page bundle 161, ready 57, ready -> message 56
//                          the window idle 8.1 s after the file opened (median)
//   neuron.ts cold, read 2 s 2.06 s   10 values   peak 73 MB
//                          to host 259 (13%), host start 78 (4%), worker boot 0 (0%), script load 248 (12%), script 33 (2%), trace build 5 (0%), numeric 0 (0%), update, picture 1 (0%), worker encode 8 (0%), worker->host 1 (0%), host 14 (1%), encode 0 (0%), host->page 854 (41%), parse 2 (0%), draw 287 (14%)
//                          the page: panel open 1308, page bundle 230, ready 59, ready -> message 62
//   neuron.ts cold, at once 1.94 s   10 values   peak 70 MB
//                          to host 233 (12%), host start 78 (4%), worker boot 0 (0%), script load 133 (7%), script 36 (2%), trace build 4 (0%), numeric 0 (0%), update, picture 1 (0%), worker encode 10 (1%), worker->host 7 (0%), host 40 (2%), encode 0 (0%), host->page 911 (47%), parse 2 (0%), draw 300 (15%)
//                          the page: panel open 942, page bundle 289, ready 68, ready -> message 64
//   neuron.ts warm         0.30 s   10 values   peak 71 MB
//   xor.ts warm            0.57 s   154 values   peak 84 MB
//   iris-train.ts warm     0.67 s   2,332 values   peak 98 MB
//   moons.ts warm          3.05 s   65,814 values   peak 255 MB
//                          to host 113 (4%), host start 1 (0%), worker boot 0 (0%), script load 136 (4%), script 1086 (36%), trace build 129 (4%), numeric 13 (0%), update, picture 82 (3%), worker encode 161 (5%), worker->host 64 (2%), host 20 (1%), encode 9 (0%), host->page 414 (14%), parse 144 (5%), draw 572 (19%)
//   long-sum.ts warm       3.44 s   75,001 values   peak 190 MB
// on this machine today the same build measures slower than at 12:21: xor, the build of 12:21 and
// this one in turn, two runs each: 0.73, 0.58, 0.54, 0.57 s (xor's goal, 0.5 s, met at 12:21 at
// 0.41 s). the cold neuron's goal (1.5 s, "editor idle") is met once the window is idle: the
// typescript server loads the script's project for ~8-10 s after the file opens (3-4 s of cpu on
// these 2 cores), and a command in that time waits on it: vs code opens the webview in 0.9-1.3 s
// ("panel open") instead of ~0.55, our bundle takes 0.23-0.29 s instead of ~0.15, the first draw
// ~0.3 s instead of ~0.2. then (15:58, load 1.6 -> 4.8; a script's own values' creation lines
// looked for in their 5 nearest frames first): the long sum 2.14 s (its script 603 ms, before
// 760-1114); moons 3.80 s, its page's part (to the page, parse, draw) 2.3 s of it at load 4.8,
// 1.2-1.6 s in the runs above.
// then (2026-12-03 17:00, load 2.2 at the start, 4.5 at the end; after: the waiting worker warms
// the engine for its run, traced, and writes its young generation once, runner/warm.ts):
//   neuron.ts cold, idle   1.03 s   10 values   peak 111 MB
//                          the page: panel open 521, page bundle 140, ready 47, ready -> message 42
//   neuron.ts cold, read 2 s 2.16 s (panel open 938), at once 1.91 s (panel open 859)
//   neuron.ts warm         0.26 s   10 values   peak 71 MB
//   xor.ts warm            0.43 s   154 values   peak 115 MB
//                          to host 137 (32%), script load 65 (15%), script 78 (18%), update, picture 13 (3%), host->page 16 (4%), draw 74 (17%)
//   iris-train.ts warm     0.42 s   2,332 values   peak 116 MB
//                          to host 87 (21%), script load 70 (17%), script 133 (31%), trace build 10 (2%), host->page 23 (5%), draw 65 (15%)
//   moons.ts warm          2.30 s   65,814 values   peak 209 MB
//                          to host 80 (3%), script load 103 (4%), script 707 (31%), trace build 77 (3%), worker encode 135 (6%), host->page 329 (14%), parse 122 (5%), draw 530 (23%)
//   long-sum.ts warm       1.61 s   75,001 values   peak 180 MB
// every goal of the issue's table met in this run but the cold neuron's two rows before the window
// is idle. a small script's peak is ~40 MB higher: the worker it ran in had written its young
// generation while it waited (the extension's spare worker holds ~103 MB idle, 60 before).
// again at 17:37 (load 2.0 -> 4.0; a taped pass's grads read in the sort): the cold neuron 0.92 s
// idle, 1.53 read 2 s, 1.58 at once (panel open 428, 777, 766); warm: neuron 0.28, xor 0.52, iris
// 0.57, moons 2.10, the long sum 1.74 s.
// then (2026-12-03 19:44, a new machine, load 1.1 -> 5.9; after: the waiting worker's young
// generation written whole, a released call's order emptied, the next spare forked 0.4 s after a
// small run): the cold neuron 1.25 s idle (panel open 592), 2.23 read 2 s, 2.30 at once; warm:
// neuron 0.22, xor 0.37, iris 0.42, moons 2.40 (script 575 ms), the long sum 1.98 s. a small
// script's peak 143-152 MB (the spare's young generation written: the idle spare holds 147 MB, 106
// before). an earlier run at 19:20, before the shorter delay, met no spare in two of xor's three
// runs ("worker boot" 195 ms: xor 0.73-0.87 s); the old build beside it 0.55 s, with a spare.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { launchChromium, startCodeServer, workbenchUrl } from "../scripts/codeServer.mjs";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const ONLY = process.env.BENCH_ONLY;
const RUN_TIMEOUT_MS = 180_000;
/** cold: how long the script is open in its editor before the command (a learner reading it) */
const READ_MS = 2000;
/** cold, idle: the machine counts as idle below this share of its cpu over a second, waited for at most IDLE_MAX_MS */
const IDLE_SHARE = 0.15;
const IDLE_MAX_MS = 30_000;

process.env.BACKPROP_STEPPER_TIMING = "1";

/** a 3-layer relu MLP on iris, 30 epochs of Adam with the accuracy tracked per epoch */
const IRIS_TRAIN = `import { Adam, MLP, argmax, iris, mean, softmaxCrossEntropy, track } from "backprop-stepper";
const data = iris();
const batch = data.X.map((x, i) => ({ x, y: data.y[i] })).filter((_, i) => i % 19 === 0);
const model = new MLP(4, [8, 8, 3], { activation: "relu", seed: 7 });
const opt = new Adam(model.parameters(), { lr: 0.01 });
for (let epoch = 1; epoch <= 30; epoch++) {
  const scores = batch.map(({ x }) => model.forward(x));
  const loss = mean(scores.map((s, i) => softmaxCrossEntropy(s, batch[i].y)));
  loss.label = "loss";
  model.zeroGrad();
  loss.backward();
  opt.step();
  track("accuracy", scores.filter((s, i) => argmax(s) === batch[i].y).length / batch.length);
}
`;

const PHASES = [
  ["to host", "bench.click", "host.command"],
  ["host start", "host.command", "host.fork"],
  ["worker boot", "host.fork", "worker.start"],
  ["script load", "worker.run", "worker.script"],
  ["script", "worker.script", "worker.end"],
  ["trace build", "worker.end", "worker.trace"],
  ["numeric", "worker.trace", "worker.check"],
  ["update, picture", "worker.check", "worker.around"],
  ["worker encode", "worker.around", "worker.send"],
  ["worker->host", "worker.send", "host.received"],
  ["host", "host.received", "host.encode"],
  ["encode", "host.encode", "host.encoded"],
  ["host->page", "host.encoded", "page.received"],
  ["parse", "page.received", "page.parsed"],
  ["draw", "page.parsed", "page.painted"],
];

const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");

async function quickInput(page, key, text) {
  await page.keyboard.press(key);
  await page.waitForSelector(".quick-input-widget input", { state: "visible" });
  await page.keyboard.type(text);
  const row = `.quick-input-list .monaco-list-row[aria-label^="${text}"]`;
  await page.waitForSelector(row);
  return row;
}

async function openFile(page, name) {
  await page.keyboard.press("Control+1");
  await page.click(await quickInput(page, "Control+P", name));
  // that file's own tab, active (quick open may list xor-tensors.ts beside xor.ts)
  await page.waitForSelector(`.tab.active[aria-label^="${name}"]`);
}

/** the page's timing records (src/webview/main.ts) in whichever frame has them */
async function records(page) {
  for (const frame of page.frames()) {
    const got = await frame.evaluate(() => globalThis.bpsTimings?.map((t) => ({ ...t })) ?? null).catch(() => null);
    if (got) return { frame, got };
  }
  return { frame: undefined, got: [] };
}

/** Visualize Backprop on `name` (open in the editor): the new timing record, with the bench's click */
async function visualize(page, name) {
  await openFile(page, name);
  const before = (await records(page)).got.length;
  const row = await quickInput(page, "F1", "Backprop: Visualize Backprop");
  const click = Date.now();
  await page.click(row);
  const end = Date.now() + RUN_TIMEOUT_MS;
  while (Date.now() < end) {
    const { frame, got } = await records(page);
    if (got.length > before) {
      const t = got.at(-1);
      // the panel reads "Step 0 of N" for that file (checked, not timed: the record says when it was painted)
      const shows = await frame
        .waitForFunction(
          (file) =>
            document.querySelector("#status")?.textContent === file &&
            /^Step 0 of \d+$/.test(document.querySelector("#position")?.textContent ?? ""),
          name,
          { timeout: 10_000 },
        )
        .then(
          () => true,
          () => false,
        );
      if (!shows) await page.screenshot({ path: join(tmpdir(), `bps-path-${name}.png`) });
      if (!shows)
        console.log(
          `  (${name}: the panel reads "${await frame.textContent("#position").catch(() => "")}", status "${await frame.textContent("#status").catch(() => "")}")`,
        );
      return { ...t, "bench.click": click };
    }
    await page.waitForTimeout(50);
  }
  throw new Error(`${name}: no drawn run within ${RUN_TIMEOUT_MS / 1000} s`);
}

/** the machine's busy and total cpu time so far (ms-ish ticks, all cores), from /proc/stat */
function cpuTimes() {
  const [, ...f] = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/);
  const n = f.map(Number);
  const total = n.reduce((a, b) => a + b, 0);
  return { busy: total - n[3] - n[4], total };
}

/**
 * waits until the machine is idle (below IDLE_SHARE of its cpu over a second: the typescript server
 * done loading the script's project, the workbench drawn); how long that took since `since`
 */
async function untilIdle(since) {
  const end = Date.now() + IDLE_MAX_MS;
  let last = cpuTimes();
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, 1000));
    const now = cpuTimes();
    const share = (now.busy - last.busy) / Math.max(1, now.total - last.total);
    last = now;
    if (share < IDLE_SHARE) break;
  }
  return Date.now() - since;
}

async function newWindow(browser, server, workspace) {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await page.goto(workbenchUrl({ baseUrl: server.baseUrl, workspace, extensionDevelopmentPath: REPO }));
  await page.waitForSelector(".monaco-workbench", { timeout: 60_000 });
  // the workbench settles (extensions scanned, explorer drawn) before the clock starts
  await page.waitForSelector(".explorer-folders-view .monaco-list-row", { timeout: 60_000 });
  await page.waitForTimeout(3000);
  return page;
}

function summarise(label, runs) {
  // a spare worker (ready before the run) boots in no time, and its run starts with the request
  for (const t of runs) {
    t["worker.run"] ??= t["worker.start"];
    t["worker.start"] = Math.min(Math.max(t["worker.start"], t["host.fork"]), t["worker.run"]);
  }
  const total = median(runs.map((t) => t["page.painted"] - t["bench.click"]));
  const cells = PHASES.map(([name, from, to]) => {
    const ms = median(runs.map((t) => t[to] - t[from]));
    return `${name} ${Math.round(ms)}${total > 0 ? ` (${Math.round((100 * ms) / total)}%)` : ""}`;
  });
  const mb = median(runs.map((t) => t["worker.maxRssKB"] / 1024));
  const nodes = runs[0]?.nodes ?? 0;
  console.log(`${label.padEnd(22)} ${(total / 1000).toFixed(2)} s   ${nodes.toLocaleString("en-US")} values   peak ${Math.round(mb)} MB`);
  console.log(`${"".padEnd(22)} ${cells.join(", ")}`);
  // a page that loaded with this run (cold): how long vs code took to open it, and our bundle to run
  breakdown(
    "the page",
    runs.filter((t) => t["page.origin"] > t["host.command"]),
    [
      ["panel open", "host.command", "page.origin"],
      ["page bundle", "page.origin", "page.loaded"],
      ["ready", "page.loaded", "page.ready"],
      ["ready -> message", "page.ready", "page.received"],
    ],
  );
  // a host that activated with this run (cold): vs code loading the extension, its activate(), the command
  breakdown(
    "the host",
    runs.filter((t) => t["host.loaded"] > t["bench.click"]),
    [
      ["click -> bundle loaded", "bench.click", "host.loaded"],
      ["activate", "host.loaded", "host.activated"],
      ["activated -> command", "host.activated", "host.command"],
    ],
  );
}

/** a line of medians of [name, from, to] spans over these runs (none when there are no runs) */
function breakdown(title, runs, spans) {
  if (!runs.length) return;
  const cells = spans.map(([name, from, to]) => `${name} ${Math.round(median(runs.map((t) => t[to] - t[from])))}`);
  console.log(`${"".padEnd(22)} ${title}: ${cells.join(", ")}`);
}

const workspace = mkdtempSync(join(tmpdir(), "bps-path-"));
cpSync(join(REPO, "examples"), workspace, { recursive: true });
writeFileSync(join(workspace, "iris-train.ts"), IRIS_TRAIN);
cpSync(join(REPO, "bench", "scripts", "long-sum.ts"), join(workspace, "long-sum.ts"));
console.log(`path bench: command -> steps shown, real VS Code, ${RUNS} runs; load ${load()}`);
console.log(
  readFileSync(fileURLToPath(import.meta.url), "utf8")
    .split("\n")
    .filter(
      (l, i, all) =>
        i > all.findIndex((x) => x.startsWith("// BEFORE")) - 1 && l.startsWith("//") && i < all.findIndex((x) => x.startsWith("import")),
    )
    .map((l) => l.slice(3))
    .join("\n"),
);
console.log("NOW:");
let stopping = false;
const server = await startCodeServer({ workspace, settings: { "backpropStepper.timeoutSeconds": 60 } });
const browser = await launchChromium();
// interrupted: the browser and the server go too
process.once("SIGINT", async () => {
  if (stopping) return;
  stopping = true;
  await browser.close().catch(() => {});
  await server.stop();
  rmSync(workspace, { recursive: true, force: true });
  process.exit(130);
});
try {
  const want = (name) => !ONLY || name.includes(ONLY);
  let page;
  if (want("neuron")) {
    // a new window each time, neuron.ts opened in it (the extension activates as a typescript file
    // opens, and readies a worker for a model script), then the command: once the window is idle
    // (the typescript server has loaded the script's project), after 2 s of reading (it is still
    // loading: on these 2 cores it takes 2-4 s), or the moment the file is open
    const cold = { idle: [], read: [], atOnce: [] };
    const settled = [];
    for (let i = 0; i < 3 * RUNS; i++) {
      if (page) {
        // nothing is restored in the next window: no panel revived, the extension not active
        await page.click(await quickInput(page, "F1", "View: Close All Editor Groups"));
        await page.waitForTimeout(1500);
        await page.close();
      }
      page = await newWindow(browser, server, workspace);
      const mode = Object.keys(cold)[i % 3];
      if (mode !== "atOnce") {
        const opened = Date.now();
        await openFile(page, "neuron.ts");
        if (mode === "read") await page.waitForTimeout(READ_MS);
        else settled.push(await untilIdle(opened));
      }
      cold[mode].push(await visualize(page, "neuron.ts"));
    }
    summarise("neuron.ts cold, idle", cold.idle);
    console.log(`${"".padEnd(22)} the window idle ${(median(settled) / 1000).toFixed(1)} s after the file opened (median)`);
    summarise("neuron.ts cold, read 2 s", cold.read);
    summarise("neuron.ts cold, at once", cold.atOnce);
  }
  page ??= await newWindow(browser, server, workspace);
  for (const [name, small] of [
    ["neuron.ts", true],
    ["xor.ts", true],
    ["iris-train.ts", true],
    ["moons.ts", false],
    ["long-sum.ts", false],
  ]) {
    if (!want(name.replace(".ts", ""))) continue;
    if (small) await visualize(page, name);
    const warm = [];
    for (let i = 0; i < RUNS; i++) warm.push(await visualize(page, name));
    summarise(`${name} warm`, warm);
  }
} finally {
  await browser.close();
  await server.stop();
  rmSync(workspace, { recursive: true, force: true });
  console.log(`load ${load()}`);
}

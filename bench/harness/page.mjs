// the panel's page (dist/webview.js + the media css) outside vs code, in headless chromium: the
// html GraphPanel.html() makes, under the same content security policy, with vs code's webview
// styles and theme variables (themes.json, read off a real vs code by dumpThemes.mjs) and a stub of
// acquireVsCodeApi. files come from the repo through playwright's request routing, so no server.
//
//   const browser = await launchChromium();
//   const page = await openPanel(browser, { width: 625, height: 860, theme: "dark" });
//   const { result } = await runFile("bench/scripts/iris.ts");     // needs `npm run build`
//   const shown = await showRun(page, result);                      // waits for bps:interactive
//   await screenshot(page, "test-results/iris.png");
//   await closePanel(page); await browser.close();
import { existsSync, mkdirSync, readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { randomBytes } from "node:crypto";
import { basename, dirname, extname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { launchChromium } from "../../scripts/codeServer.mjs";

export { launchChromium };

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const HARNESS = join(REPO, "bench", "harness");
/** a made-up origin: every request to it is answered from the repo by page.route */
export const ORIGIN = "http://panel.harness.test";

/** vs code's default themes: dark (Default Dark Modern), light (Default Light Modern), hc (Default High Contrast) */
export const THEMES = JSON.parse(readFileSync(join(HARNESS, "themes.json"), "utf8"));

/** a theme by its short name or its vs code id ("Default Light Modern") */
function themeOf(name) {
  const theme = THEMES[name] ?? Object.values(THEMES).find((t) => t.id === name || t.label === name);
  if (!theme) throw new Error(`no theme ${name}: one of ${Object.keys(THEMES).join(", ")}`);
  return theme;
}

/** the stylesheets the extension links, read from graphPanel.ts so the harness follows it */
function panelStyles() {
  const src = readFileSync(join(REPO, "src", "extension", "graphPanel.ts"), "utf8");
  const named = [...src.matchAll(/"media",\s*"([\w.-]+\.css)"/g)].map((m) => m[1]);
  const styles = named.length ? named : ["panel.css", "table.css"];
  return [...new Set(styles)].filter((f) => existsSync(join(REPO, "media", f)));
}

// ---- the host side of the page: theme, api stub, and what the bench reads back ----

/** runs in the page before the bundle: what vs code's webview host sets up */
function hostScript(theme, state) {
  const setup = (theme, state) => {
    // vs code: the variables on <html>'s style, the theme kind as classes and data on <body>
    window.__setTheme = (t) => {
      const style = document.documentElement.style;
      for (let i = style.length - 1; i >= 0; i--) if (style[i].startsWith("--vscode-")) style.removeProperty(style[i]);
      for (const [k, v] of Object.entries(t.vars)) style.setProperty(`--vscode-${k}`, v);
      const body = document.body;
      body.classList.remove("vscode-light", "vscode-dark", "vscode-high-contrast", "vscode-high-contrast-light");
      body.classList.add(...t.classes);
      body.dataset.vscodeThemeKind = t.classes[0];
      body.dataset.vscodeThemeName = t.label;
      body.dataset.vscodeThemeId = t.id;
    };
    window.__setTheme(theme);
    window.__state = state ?? undefined; // vs code: undefined until the page first saves
    window.__posted = [];
    let acquired = false;
    window.acquireVsCodeApi = () => {
      // as in vs code: once per page
      if (acquired) throw new Error("An instance of the VS Code API has already been acquired");
      acquired = true;
      return Object.freeze({
        // vs code structured-clones what the page posts: so does the stub, to catch what cannot be
        postMessage(m) {
          (window.__posted ||= []).push(structuredClone(m));
        },
        getState() {
          return window.__state;
        },
        setState(s) {
          window.__state = s;
          return s;
        },
      });
    };
    // marks the page sets, and when keys and clicks reached it, on the page's clock
    window.__marks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__marks.push({ name: e.name, t: e.startTime });
    }).observe({ type: "mark", buffered: true });
    // event timing: input events that took 16 ms or more to their next paint
    window.__events = [];
    try {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__events.push({ name: e.name, t: e.startTime, duration: e.duration });
      }).observe({ type: "event", durationThreshold: 16, buffered: true });
    } catch {}
    // the graph's cytoscape instance (cytoscape keeps it on its container), for the bench to look into
    window.__cy = () => {
      for (const e of document.querySelectorAll("#graph, #graph *")) if (e._cyreg?.cy) return e._cyreg.cy;
      return null;
    };
    window.__input = [];
    window.addEventListener("keydown", (e) => window.__input.push({ type: "key", key: e.key, t: performance.now() }), true);
    window.addEventListener("pointerdown", () => window.__input.push({ type: "pointer", t: performance.now() }), true);
    window.addEventListener("pointermove", (e) => e.buttons && window.__input.push({ type: "drag", t: performance.now() }), true);
  };
  // json inside a <script>: no "</script>" can end it early
  const args = JSON.stringify([theme, state ?? null]).replace(/</g, "\\u003c");
  return `(${setup.toString()})(...${args});`;
}

function html({ theme, state, nonce }) {
  // as GraphPanel.html(): only our origin for styles, fonts and images, scripts by nonce
  const csp = [
    "default-src 'none'",
    `img-src ${ORIGIN} data: blob:`,
    `style-src ${ORIGIN}`,
    `font-src ${ORIGIN}`,
    `script-src 'nonce-${nonce}'`,
  ].join("; ");
  const links = ["harness/vscode-webview.css", ...panelStyles().map((f) => `media/${f}`)]
    .map((href) => `  <link href="${ORIGIN}/${href}" rel="stylesheet">`)
    .join("\n");
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${csp}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
${links}
  <meta id="__________cytoscape_stylesheet">
  <title>Backprop</title>
</head>
<body>
  <script nonce="${nonce}">${hostScript(theme, state)}</script>
  <div id="app"></div>
  <script nonce="${nonce}" src="${ORIGIN}/dist/webview.js"></script>
</body>
</html>`;
}

const TYPES = {
  ".js": "text/javascript",
  ".css": "text/css",
  ".map": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".json": "application/json",
};

/** answers the made-up origin: /index.html, and files under dist/, media/ and bench/harness/ */
async function serve(route, page) {
  const path = decodeURIComponent(new URL(route.request().url()).pathname);
  if (path === "/" || path === "/index.html") return route.fulfill({ status: 200, contentType: "text/html", body: page.html });
  const roots = { "/dist/": join(REPO, "dist"), "/media/": join(REPO, "media"), "/harness/": HARNESS };
  for (const [prefix, root] of Object.entries(roots)) {
    if (!path.startsWith(prefix)) continue;
    const file = resolve(root, path.slice(prefix.length));
    if (!file.startsWith(root + sep) || !existsSync(file)) break;
    return route.fulfill({ status: 200, contentType: TYPES[extname(file)] ?? "application/octet-stream", body: readFileSync(file) });
  }
  return route.fulfill({ status: 404, body: "not found" });
}

// ---- opening the panel ----

/**
 * A new page (in a context of its own) with the panel's page loaded, once it has posted "ready".
 * @param {import("playwright-core").Browser} browser
 * @param {{ width?: number, height?: number, theme?: string, scale?: number, state?: unknown, readyTimeoutMs?: number }} [o]
 *   width x height: css pixels (default 625 x 860, the panel beside the editor in a 1600 x 1000 vs code);
 *   theme: "dark" | "light" | "hc" (or a vs code theme id); scale: device pixel ratio; state: what getState() returns
 * @returns {Promise<import("playwright-core").Page & { harness: { errors: string[], console: string[] } }>}
 */
export async function openPanel(browser, { width = 625, height = 860, theme = "dark", scale = 1, state, readyTimeoutMs = 30_000 } = {}) {
  if (!existsSync(join(REPO, "dist", "webview.js"))) throw new Error("no dist/webview.js: run `npm run build` first");
  const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: scale });
  const page = await context.newPage();
  page.harness = { errors: [], console: [], html: html({ theme: themeOf(theme), state, nonce: randomBytes(16).toString("base64") }) };
  page.on("pageerror", (e) => page.harness.errors.push(String(e.stack ?? e)));
  page.on("console", (m) => {
    page.harness.console.push(`${m.type()}: ${m.text()}`);
    if (m.type() === "error") page.harness.errors.push(m.text());
  });
  await page.route(`${ORIGIN}/**`, (route) => serve(route, page.harness));
  await page.goto(`${ORIGIN}/index.html`);
  try {
    await page.waitForFunction(() => window.__posted?.some((m) => m?.type === "ready"), null, { timeout: readyTimeoutMs });
  } catch (e) {
    throw new Error(`the page never posted "ready": ${page.harness.errors.join("\n") || e.message}`, { cause: e });
  }
  return page;
}

export async function closePanel(page) {
  await page.context().close();
}

/** switches the theme live, as vs code does when the user picks another */
export async function setTheme(page, theme) {
  await page.evaluate((t) => window.__setTheme(t), themeOf(theme));
}

// ---- messages to and from the page ----

/** JSON with NaN and infinities as strings: src/engine/json.ts toJson, which the host uses */
export function toJson(value) {
  return JSON.stringify(value, (_k, v) =>
    typeof v === "number" && !Number.isFinite(v) ? (Number.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity") : v,
  );
}

/**
 * what the host posts for a finished run (src/shared/posted.ts): the message as JSON, and the trace
 * as columns beside it (`columns`, a JSON string, and `buffer`, an ArrayBuffer)
 */
export function showTracePosted(result, { fileName = basename(result.file), keepPosition = false } = {}) {
  return hostModule().showTracePosted(result, fileName, keepPosition);
}

/**
 * Posts a string to the page as the webview host does (a message event whose data is the string).
 * The string is handed over first, so its transfer from node is not in the timing.
 * @returns {Promise<{ bytes: number, sentAt: number, frameAt: number }>} sentAt: page clock just
 *   before postMessage; frameAt: the first frame after the message's handler ran (a fallback figure
 *   for a page that sets no marks)
 */
export async function postString(page, text) {
  await page.evaluate((s) => (window.__outbox = s), text);
  return { ...(await postOutbox(page)), bytes: Buffer.byteLength(text) };
}

/**
 * Posts what GraphPanel posts (Posted: json, and a trace's columns and buffer), as the page gets it
 * from the webview host: an object whose buffer is an ArrayBuffer. The buffer is handed over first
 * (as base64, rebuilt in the page), so its transfer from node is not in the timing.
 * @returns {Promise<{ bytes: number, sentAt: number, frameAt: number }>} as postString; bytes: the
 *   two strings' and the buffer's
 */
export async function postPosted(page, posted) {
  const buffer = posted.buffer ? Buffer.from(posted.buffer).toString("base64") : undefined;
  await page.evaluate(
    ({ json, columns, buffer }) => {
      const data = buffer === undefined ? undefined : Uint8Array.from(atob(buffer), (c) => c.charCodeAt(0)).buffer;
      window.__outbox = { json, ...(columns === undefined ? {} : { columns }), ...(data === undefined ? {} : { buffer: data }) };
    },
    { json: posted.json, columns: posted.columns, buffer },
  );
  return { ...(await postOutbox(page)), bytes: postedBytes(posted) };
}

/** the size of a posted message: its two strings' and its buffer's bytes */
export function postedBytes(posted) {
  return Buffer.byteLength(posted.json) + Buffer.byteLength(posted.columns ?? "") + (posted.buffer?.byteLength ?? 0);
}

/** posts window.__outbox to the page: the page clock just before, and the first frame after its handler */
async function postOutbox(page) {
  const sentAt = await page.evaluate(() => {
    window.__frameAt = undefined;
    const at = performance.now();
    window.postMessage(window.__outbox, "*");
    // queued behind the message task: runs once its handler returns, then waits for a frame
    setTimeout(() => requestAnimationFrame(() => setTimeout(() => (window.__frameAt = performance.now()))));
    return at;
  });
  const frameAt = await page.waitForFunction(() => window.__frameAt, null, { timeout: 120_000, polling: 50 }).then((h) => h.jsonValue());
  return { sentAt, frameAt };
}

/** posts any host -> webview message (runState, showError, showTrace) */
export function post(page, msg) {
  return postString(page, toJson(msg));
}

/**
 * Delivers a run's result as GraphPanel.showResult() does and waits for `waitFor` (default
 * bps:interactive; null: do not wait).
 * @returns {Promise<{ bytes: number, sentAt: number, frameAt: number, received: number|null, interactive: number|null, painted: number|null }>}
 *   times on the page's clock (performance.now()); a mark the page did not set is null; painted:
 *   the first frame the page got to after `waitFor` (cytoscape draws in its own frame, after the mark)
 */
export async function showRun(page, result, { fileName, keepPosition = false, waitFor = "bps:interactive", timeoutMs = 60_000 } = {}) {
  const sent = await postPosted(page, showTracePosted(result, { fileName, keepPosition }));
  const interactive = waitFor ? await waitForMark(page, waitFor, { after: sent.sentAt, timeoutMs }) : null;
  const painted = interactive === null ? null : await nextFrame(page);
  const received = await markAfter(page, "bps:trace-received", sent.sentAt);
  return { ...sent, received, interactive, painted };
}

/** page clock at the first frame the page can give once it is free (a rAF, then a task after its paint) */
export function nextFrame(page) {
  return page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(() => r(performance.now())))));
}

/** what the page has posted to the host so far */
export function posted(page) {
  return page.evaluate(() => window.__posted);
}

// ---- performance marks ----

/** true when the built page names `mark` (the old page sets none: no use waiting a minute for it) */
export function bundleSetsMark(mark = "bps:interactive") {
  return readFileSync(join(REPO, "dist", "webview.js"), "utf8").includes(mark);
}

/** the first mark `name` at or after `after` (page clock), or null */
export function markAfter(page, name, after = 0) {
  return page.evaluate(([n, a]) => window.__marks.find((m) => m.name === n && m.t >= a)?.t ?? null, [name, after]);
}

/** waits (at most timeoutMs) for mark `name` at or after `after`; its time, or null when it never came */
export async function waitForMark(page, name, { after = 0, timeoutMs = 60_000 } = {}) {
  try {
    const h = await page.waitForFunction(([n, a]) => window.__marks.find((m) => m.name === n && m.t >= a)?.t ?? false, [name, after], {
      timeout: timeoutMs,
      polling: 20,
    });
    return await h.jsonValue();
  } catch (e) {
    if (e.name === "TimeoutError") return null;
    throw e;
  }
}

/** every mark since `after` whose name starts with `prefix`, in order */
export function marksSince(page, after = 0, prefix = "bps:") {
  return page.evaluate(([a, p]) => window.__marks.filter((m) => m.t >= a && m.name.startsWith(p)), [after, prefix]);
}

/** when the last keydown ("key"), pointerdown ("pointer") or drag move ("drag") reached the page (page clock) */
export function lastInput(page, type = "key") {
  return page.evaluate((t) => window.__input.filter((i) => i.type === t).at(-1)?.t ?? null, type);
}

/**
 * Presses `key` and waits for `mark`: ms from the keydown reaching the page to the mark, or null.
 */
export async function pressAndMeasure(page, key, mark, timeoutMs = 60_000) {
  await page.keyboard.press(key);
  const down = await lastInput(page, "key");
  const at = await waitForMark(page, mark, { after: down, timeoutMs });
  return at === null ? null : at - down;
}

// ---- the graph (cytoscape, looked into) ----

/** collapsed group boxes (cytoscape `node.box`) on screen: page coordinates of each box */
export function collapsedBoxes(page, selector = "node.box") {
  return page.evaluate((sel) => {
    const cy = window.__cy();
    if (!cy) return [];
    const r = cy.container().getBoundingClientRect();
    return cy
      .nodes(sel)
      .map((n) => {
        const b = n.renderedBoundingBox();
        return { id: n.id(), box: n.data("box"), x: r.left + (b.x1 + b.x2) / 2, y: r.top + (b.y1 + b.y2) / 2, w: b.w, h: b.h };
      })
      .filter((b) => b.x > r.left && b.x < r.right && b.y > r.top && b.y < r.bottom);
  }, selector);
}

/** value boxes (cytoscape `node.value`) drawn, and how many of them are on screen */
export function valuesInView(page) {
  return page.evaluate(() => {
    const cy = window.__cy();
    if (!cy) return null;
    const { width, height } = cy.container().getBoundingClientRect();
    const values = cy.nodes(".value");
    const seen = values.filter((n) => {
      const b = n.renderedBoundingBox();
      return b.x2 > 0 && b.x1 < width && b.y2 > 0 && b.y1 < height;
    });
    return { drawn: values.length, inView: seen.length, zoom: cy.zoom() };
  });
}

/** a spot on the graph's empty background (page coordinates) nearest its middle: a drag there pans */
export function emptySpot(page) {
  return page.evaluate(() => {
    const cy = window.__cy();
    if (!cy) return null;
    const r = cy.container().getBoundingClientRect();
    const boxes = cy.nodes().map((n) => n.renderedBoundingBox());
    let best = null;
    for (let y = 10; y < r.height - 10; y += 16) {
      for (let x = 10; x < r.width - 10; x += 16) {
        if (boxes.some((b) => x >= b.x1 && x <= b.x2 && y >= b.y1 && y <= b.y2)) continue;
        const d = Math.hypot(x - r.width / 2, y - r.height / 2);
        if (!best || d < best.d) best = { x, y, d };
      }
    }
    return best && { x: r.left + best.x, y: r.top + best.y };
  });
}

/** whether value `id` is drawn (in an open group) */
export function isDrawn(page, id) {
  return page.evaluate(
    (v) =>
      window
        .__cy()
        ?.nodes(".value")
        .some((n) => n.data("value") === v) ?? false,
    id,
  );
}

// ---- pictures ----

/** a png of the page (the viewport) at `path`, relative to the repo when not absolute */
export async function screenshot(page, path, opts = {}) {
  const file = resolve(REPO, path);
  mkdirSync(dirname(file), { recursive: true });
  await page.screenshot({ path: file, ...opts });
  return file;
}

// ---- runs ----

let built;
/** out/bench/harness/run.js (run.ts): the product's runner and the host's encoder, as built */
export function hostModule() {
  if (!built) {
    const file = join(REPO, "out", "bench", "harness", "run.js");
    if (!existsSync(file)) throw new Error("no out/bench/harness/run.js: run `npm run build` first");
    built = createRequire(import.meta.url)(file);
  }
  return built;
}

/**
 * Runs a script through the product's runner (a worker process): { result, wallMs, output }.
 * Needs `npm run build` (out/bench/harness/run.js and dist/worker.js).
 * @param {string} file
 * @param {{ timeoutSeconds?: number, memoryMb?: number, maxNodes?: number, captureCall?: number }} [opts]
 */
export function runFile(file, opts) {
  return hostModule().runFile(resolve(REPO, file), opts);
}

/** the bench's model scripts, by name (values-500, iris, ...) */
export function benchScript(name) {
  const file = join(REPO, "bench", "scripts", `${name}.ts`);
  if (!existsSync(file)) throw new Error(`no bench script ${name}: ${readdirSync(join(REPO, "bench", "scripts")).join(", ")}`);
  return file;
}

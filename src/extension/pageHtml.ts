// the panel page's HTML, with its bundle and stylesheets inside it. a webview fetches each file it
// links through vs code's resource loader (a service worker, then the extension host; over the
// network for a remote window): about 300 ms for the 0.6 MB bundle on a page's first load, which
// the first run of a window waits for. given inline under the page's nonce they arrive with the
// HTML, and the content security policy stays as strict (scripts and styles by nonce only).
import * as fs from "node:fs";
import * as path from "node:path";
import { nonce } from "./nonce";

/** the files the page is made of, below the extension's folder */
const SCRIPT = path.join("dist", "webview.js");
const STYLES = [path.join("media", "panel.css"), path.join("media", "table.css")];

/** the files' text, read again only when one of them changed (a rebuild while the window is open) */
let cached: { stamp: string; script: string; styles: string } | undefined;

function files(root: string): { script: string; styles: string } {
  const stamp = [SCRIPT, ...STYLES].map((file) => `${path.join(root, file)}@${fs.statSync(path.join(root, file)).mtimeMs}`).join("|");
  if (cached?.stamp !== stamp) {
    const read = (file: string) => fs.readFileSync(path.join(root, file), "utf8");
    cached = { stamp, script: inlineScript(read(SCRIPT)), styles: STYLES.map(read).join("\n") };
  }
  return cached;
}

/**
 * javascript that can stand inside a <script> element: "</script" ends the element wherever it is
 * (a string, a regular expression), so it is written "<\/script", which means the same in both;
 * the source map comment is dropped (the page has no file to resolve it against).
 */
function inlineScript(js: string): string {
  return js.replace(/<\/(script)/gi, "<\\/$1").replace(/\n\/\/# sourceMappingURL=\S+\s*$/, "\n");
}

/** css that can stand inside a <style> element */
function inlineStyle(css: string): string {
  return css.replace(/<\/(style)/gi, "<\\/$1");
}

/**
 * the page: `root` is the extension's folder; `cspSource` the webview's (images and fonts may
 * still come from the extension's folder); `sourceMap` the bundle's source map as a webview uri,
 * for the developer tools (omitted: none)
 */
export function pageHtml(root: string, cspSource: string, sourceMap?: string): string {
  const { script, styles } = files(root);
  const n = nonce();
  const csp = [
    "default-src 'none'",
    `img-src ${cspSource} data: blob:`,
    `style-src 'nonce-${n}'`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${n}'`,
  ].join("; ");
  const mapComment = sourceMap ? `//# sourceMappingURL=${sourceMap}\n` : "";
  return /* html */ `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${csp}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <style nonce="${n}">
${inlineStyle(styles)}
  </style>
  <!-- cytoscape adds a <style> element unless one with this id exists; the csp would block it -->
  <meta id="__________cytoscape_stylesheet">
  <title>Backprop</title>
</head>
<body>
  <div id="app"></div>
  <script nonce="${n}">
${script}${mapComment}</script>
</body>
</html>`;
}

// the panel's page with its bundle and stylesheets inline (src/extension/pageHtml.ts): the script
// and styles stand inside their elements whatever text they hold, under one nonce, with a content
// security policy that allows nothing inline without it
import * as assert from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pageHtml } from "../../src/extension/pageHtml";

describe("the panel page's HTML", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "bps-page-html-"));
  after(() => fs.rmSync(root, { recursive: true, force: true }));
  fs.mkdirSync(path.join(root, "dist"));
  fs.mkdirSync(path.join(root, "media"));
  const write = (file: string, text: string) => fs.writeFileSync(path.join(root, file), text);
  write(
    "dist/webview.js",
    'const a = "</script><script>alert(1)</SCRIPT>";\nconst b = /<\\/script>/;\n//# sourceMappingURL=webview.js.map\n',
  );
  write("media/panel.css", 'body { content: "</style><img src=x onerror=alert(2)>"; }');
  write("media/table.css", "table { color: red; }");

  it("holds the bundle and the styles inline, each element ended only by its own closing tag", () => {
    const html = pageHtml(root, "https://webview.test", "https://webview.test/dist/webview.js.map");
    assert.strictEqual(html.match(/<\/script/gi)?.length, 1, "one </script: the element's own");
    assert.strictEqual(html.match(/<\/style/gi)?.length, 1, "one </style: the element's own");
    assert.ok(html.includes('const a = "<\\/script><script>alert(1)<\\/SCRIPT>"'), "the string means what it meant");
    assert.ok(html.includes("table { color: red; }"));
    assert.ok(html.includes("//# sourceMappingURL=https://webview.test/dist/webview.js.map"));
    assert.ok(!html.includes("sourceMappingURL=webview.js.map"), "the bundle's own relative map comment is gone");
    // the script means the same: it runs and gives the same values
    const js = html.slice(html.indexOf("<script nonce"), html.lastIndexOf("</script>")).replace(/^<script nonce="[^"]+">/, "");
    assert.deepStrictEqual(new Function(`${js}; return [a, String(b)];`)(), ["</script><script>alert(1)</SCRIPT>", "/<\\/script>/"]);
  });

  it("a strict content security policy: scripts and styles by one fresh nonce, nothing unsafe", () => {
    const html = pageHtml(root, "https://webview.test");
    const csp = html.match(/http-equiv="Content-Security-Policy" content="([^"]+)"/)![1];
    const nonce = csp.match(/script-src 'nonce-([^']+)'/)![1];
    assert.match(csp, /default-src 'none'/);
    assert.ok(csp.includes(`style-src 'nonce-${nonce}'`));
    assert.ok(!/unsafe/.test(csp));
    assert.strictEqual(html.match(new RegExp(`nonce="${nonce.replace(/[+/]/g, "\\$&")}"`, "g"))?.length, 2, "the style and the script");
    assert.notStrictEqual(pageHtml(root, "https://webview.test").match(/nonce-([^']+)'/)![1], nonce, "a new nonce per page");
  });

  it("a rebuilt bundle is read again", () => {
    write("dist/webview.js", "const c = 3;\n");
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(path.join(root, "dist/webview.js"), later, later);
    assert.ok(pageHtml(root, "https://webview.test").includes("const c = 3;"));
  });
});

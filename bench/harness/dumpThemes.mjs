// regenerates themes.json: the --vscode-* variables a real vs code (the test code-server) gives a
// webview in its three default themes, read off the panel's own page. run after
// `node scripts/install-vscode.mjs` and `npm run build`:
//
//   node bench/harness/dumpThemes.mjs [--all]
//
// without --all only the families a panel page is likely to use are kept (FAMILIES below), so the
// file stays readable; the values are vs code's, not typed in by hand.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { launchChromium, startCodeServer, workbenchUrl } from "../../scripts/codeServer.mjs";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const OUT = join(REPO, "bench", "harness", "themes.json");

const THEMES = {
  dark: { id: "Default Dark Modern", workbench: "vs-dark" },
  light: { id: "Default Light Modern", workbench: "vs" },
  hc: { id: "Default High Contrast", workbench: "hc-black" },
};

// prefixes of variables worth keeping (a page outside these is unusual for a panel)
const FAMILIES = [
  "font-",
  "editor-font-",
  "editor-background",
  "editor-foreground",
  "foreground",
  "disabledForeground",
  "descriptionForeground",
  "errorForeground",
  "icon-foreground",
  "focusBorder",
  "contrastBorder",
  "contrastActiveBorder",
  "selection-background",
  "widget-",
  "sash-",
  "editorWidget-",
  "editorHoverWidget-",
  "editorError-",
  "editorWarning-",
  "editorInfo-",
  "charts-",
  "button-",
  "checkbox-",
  "dropdown-",
  "input-",
  "inputOption-",
  "inputValidation-",
  "list-",
  "panel-",
  "badge-",
  "progressBar-",
  "scrollbar",
  "textLink-",
  "textPreformat-",
  "textBlockQuote-",
  "textCodeBlock-",
  "toolbar-",
  "keybindingLabel-",
  "tree-",
  "editorLineNumber-",
  "editor-selectionBackground",
  "minimap",
  "symbolIcon-",
];

const keep = (name) => FAMILIES.some((f) => name.startsWith(f));

/** the frame of the panel's page (webviews nest an iframe in an iframe) */
async function panelFrame(page, timeoutMs = 60_000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    for (const frame of page.frames()) if (await frame.$("#app").catch(() => null)) return frame;
    await page.waitForTimeout(250);
  }
  throw new Error("no webview frame with #app");
}

/** picks a colour theme with ctrl+k ctrl+t (the workbench.colorTheme setting is not applied by this code-server) */
async function pickTheme(page, id) {
  await page.keyboard.press("Control+K");
  await page.keyboard.press("Control+T");
  await page.waitForSelector(".quick-input-widget input", { state: "visible" });
  await page.keyboard.type(id);
  const rows = page.locator(".quick-input-list .monaco-list-row");
  await rows.first().waitFor();
  for (const row of await rows.all()) {
    const names = ((await row.getAttribute("aria-label")) ?? "").split(", ");
    if (names.includes(id)) return row.click();
  }
  throw new Error(`no colour theme ${id}`);
}

async function dump(browser, workspace, theme) {
  const server = await startCodeServer({ workspace });
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.goto(workbenchUrl({ baseUrl: server.baseUrl, workspace, extensionDevelopmentPath: REPO }));
    await page.waitForSelector(".monaco-workbench", { timeout: 60_000 });
    await page.keyboard.press("Control+P");
    await page.keyboard.type("neuron.ts");
    await page.waitForSelector('.quick-input-list .monaco-list-row[aria-label*="neuron.ts"]');
    await page.keyboard.press("Enter");
    await page.waitForSelector('.tab[aria-label*="neuron.ts"]');
    await pickTheme(page, theme.id);
    await page.waitForSelector(`.monaco-workbench.${theme.workbench}`);
    await page.keyboard.press("F1");
    await page.keyboard.type("Backprop: Visualize Backprop");
    await page.waitForSelector('.quick-input-list .monaco-list-row[aria-label*="Visualize Backprop"]');
    await page.keyboard.press("Enter");
    const frame = await panelFrame(page);
    // the webview gets the theme's variables a moment after it exists
    await frame.waitForFunction((id) => document.body.dataset.vscodeThemeId === id, theme.id);
    return await frame.evaluate(() => {
      const style = document.documentElement.style;
      const vars = {};
      for (let i = 0; i < style.length; i++) {
        const p = style[i];
        if (p.startsWith("--vscode-")) vars[p.slice("--vscode-".length)] = style.getPropertyValue(p).trim();
      }
      const b = document.body;
      return { classes: [...b.classList], label: b.dataset.vscodeThemeName, id: b.dataset.vscodeThemeId, vars };
    });
  } finally {
    await server.stop();
  }
}

const all = process.argv.includes("--all");
const workspace = mkdtempSync(join(tmpdir(), "bps-themes-"));
cpSync(join(REPO, "examples"), workspace, { recursive: true });
const browser = await launchChromium();
const out = {};
try {
  for (const [name, theme] of Object.entries(THEMES)) {
    const got = await dump(browser, workspace, theme);
    const names = Object.keys(got.vars)
      .filter((k) => all || keep(k))
      .sort();
    out[name] = {
      label: got.label,
      id: got.id,
      classes: got.classes,
      vars: Object.fromEntries(names.map((k) => [k, got.vars[k]])),
    };
    console.log(`${name}: ${theme.id}, ${names.length} of ${Object.keys(got.vars).length} variables, body ${got.classes.join(" ")}`);
  }
} finally {
  await browser.close();
  rmSync(workspace, { recursive: true, force: true });
}
writeFileSync(OUT, JSON.stringify(out, null, 1) + "\n");
console.log(`wrote ${OUT}`);

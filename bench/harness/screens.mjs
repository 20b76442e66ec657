// screenshots of the panel's page outside vs code: runs a script, opens the harness page in each
// theme, delivers the run, waits for bps:interactive and saves test-results/harness-<name>-<theme>.png.
//
//   npm run build && node bench/harness/screens.mjs [SCRIPT] [--themes dark,light,hc] [--size 625x860] [--scale 1]
//
// SCRIPT: a bench script's name (iris, values-500, ...) or a path to any model script (default
// examples/neuron.ts). 625 x 860 is the panel beside the editor in vs code's default 1600 x 1000
// window with the explorer open. a page that sets no marks yet is shot once its first frame is drawn.
import { existsSync } from "node:fs";
import { basename, resolve } from "node:path";
import { benchScript, bundleSetsMark, closePanel, launchChromium, openPanel, REPO, runFile, screenshot, showRun } from "./page.mjs";

/**
 * @param {{ script: string, themes?: string[], width?: number, height?: number, scale?: number, markTimeoutMs?: number }} o
 * @returns {Promise<string[]>} the png files written
 */
export async function screens({ script, themes = ["dark", "light", "hc"], width = 625, height = 860, scale = 1, markTimeoutMs = 60_000 }) {
  const file = existsSync(resolve(REPO, script)) ? resolve(REPO, script) : benchScript(script);
  const name = basename(file).replace(/\.[cm]?[tj]s$/, "");
  const { result } = await runFile(file);
  const browser = await launchChromium();
  const files = [];
  if (!bundleSetsMark()) markTimeoutMs = 0;
  try {
    for (const theme of themes) {
      const page = await openPanel(browser, { width, height, theme, scale });
      const shown = await showRun(page, result, { waitFor: markTimeoutMs ? "bps:interactive" : null, timeoutMs: markTimeoutMs });
      if (shown.interactive === null) console.log(`${name} ${theme}: mark bps:interactive missing; shot after the first frame`);
      // one more frame, so cytoscape's own animation frame has painted
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      files.push(await screenshot(page, `test-results/harness-${name}-${theme}.png`));
      for (const e of page.harness.errors) console.log(`${name} ${theme}: page error: ${e}`);
      await closePanel(page);
    }
  } finally {
    await browser.close();
  }
  return files;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  const args = process.argv.slice(2);
  const flag = (name) => {
    const i = args.indexOf(name);
    return i >= 0 ? args.splice(i, 2)[1] : undefined;
  };
  const themes = flag("--themes")?.split(",");
  const [width, height] = (flag("--size") ?? "625x860").split("x").map(Number);
  const scale = Number(flag("--scale") ?? 1);
  const markTimeoutMs = Number(flag("--mark-timeout") ?? 60) * 1000;
  const script = args[0] ?? "examples/neuron.ts";
  for (const f of await screens({ script, themes, width, height, scale, markTimeoutMs })) console.log(f);
}

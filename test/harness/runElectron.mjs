#!/usr/bin/env node
// the same integration suite under @vscode/test-electron, for machines that can download
// VS Code (this project's build machines cannot: they use runInVsCode.mjs with code-server).
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { mkdtempSync, cpSync } from "node:fs";
import { tmpdir } from "node:os";
import { runTests } from "@vscode/test-electron";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const workspace = mkdtempSync(join(tmpdir(), "bps-electron-"));
cpSync(join(repo, "examples"), workspace, { recursive: true });
try {
  await runTests({
    version: "1.100.3",
    extensionDevelopmentPath: repo,
    extensionTestsPath: join(repo, "out", "test", "integration", "index.js"),
    launchArgs: [workspace, "--disable-extensions", "--disable-workspace-trust"],
  });
} catch (e) {
  console.error(`integration tests failed: ${e?.message ?? e}`);
  process.exit(1);
}

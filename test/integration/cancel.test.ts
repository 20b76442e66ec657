// a run the user leaves behind stops with everything it started: a new run of the panel, or the
// panel closing, ends the script's process and the processes it spawned (checked by their pids)
import * as assert from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as vscode from "vscode";
import { api, nextRun, openEditor, until, writeScript } from "./helpers";

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** a script that spawns `sleep`, writes its own pid and sleep's to `pidFile`, then spins */
function spinner(pidFile: string): string {
  return (
    'import { spawn } from "node:child_process";\nimport { writeFileSync } from "node:fs";\n' +
    'const sleeper = spawn("sleep", ["1000"], { stdio: "ignore" });\n' +
    `writeFileSync(${JSON.stringify(pidFile)}, process.pid + " " + sleeper.pid);\n` +
    "while (true) {}\n"
  );
}

async function pidsOf(pidFile: string): Promise<number[]> {
  const text = await until(
    "the script's pids",
    () => fs.existsSync(pidFile) && fs.readFileSync(pidFile, "utf8").includes(" ") && fs.readFileSync(pidFile, "utf8"),
  );
  return text.split(" ").map(Number);
}

(process.platform === "win32" ? describe.skip : describe)("a run left behind", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cancel-test-"));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("is stopped with its child processes by a new run, and by closing the panel", async () => {
    const a = await api();
    const first = path.join(dir, "first.pids");
    const uri = await writeScript("spins.ts", spinner(first));
    await openEditor(uri);
    const firstRun = nextRun(a);
    void vscode.commands.executeCommand("backpropStepper.visualize");
    const [worker1, sleep1] = await pidsOf(first);
    assert.ok(alive(worker1) && alive(sleep1), "the script and its sleep run");

    // a new run of the same panel
    const second = path.join(dir, "second.pids");
    await writeScript("spins.ts", spinner(second));
    await openEditor(uri);
    void vscode.commands.executeCommand("backpropStepper.visualize");
    const { outcome } = await firstRun;
    assert.ok(!outcome.ok && outcome.error.kind === "cancelled", JSON.stringify(outcome));
    await until("the first run's processes gone", () => !alive(worker1) && !alive(sleep1), 3000);

    // the panel closing
    const [worker2, sleep2] = await pidsOf(second);
    const secondRun = nextRun(a);
    const tab = vscode.window.tabGroups.all
      .flatMap((g) => g.tabs)
      .find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith("backpropStepper.graph"));
    assert.ok(tab, "the panel is open");
    await vscode.window.tabGroups.close(tab);
    const closed = await secondRun;
    assert.ok(!closed.outcome.ok && closed.outcome.error.kind === "cancelled");
    await until("the second run's processes gone", () => !alive(worker2) && !alive(sleep2), 3000);
  });
});

// a program the warm-up's test runs in a node of its own, its young generation of `--half MB` a
// half: with "warm", the spare worker's warm-up first (the engine's training steps, then its young
// generation written); then garbage filling that generation twice over, as a script's first steps
// fill it. prints the system's page faults during the garbage alone, and the memory the young
// generation held before it, as json
import { getHeapSpaceStatistics } from "node:v8";
import { warmForRun } from "../../src/runner/warm";

/** each piece in reach until the next, so v8 makes every one */
let kept: { i: number } | null = null;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const half = Number(args[args.indexOf("--half") + 1]) * 2 ** 20;
  if (args.includes("warm")) await warmForRun(() => false);
  const held = getHeapSpaceStatistics().find((s) => s.space_name === "new_space")!.physical_space_size;
  const faults = process.resourceUsage().minorPageFault;
  // objects of 4 fields: 56 bytes or more each, so this makes at least 2.5 young generations' worth
  for (let i = 0; i < (2.5 * half) / 56; i++) kept = { i };
  kept = null;
  console.log(JSON.stringify({ faults: process.resourceUsage().minorPageFault - faults, held, kept }));
}

void main();

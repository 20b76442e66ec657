// a program the warm-up's test runs in a node of its own, its young generation of `--half MB` a
// half: with "warm", the spare worker's warm-up first (the engine's training steps, then its young
// generation written); then garbage filling that generation twice over, as a script's first steps
// fill it. prints the system's page faults during the garbage alone, as json
import { warmForRun } from "../../src/runner/warm";

/** each piece in reach until the next, so v8 makes every one */
let _kept: { i: number } | null = null;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const half = Number(args[args.indexOf("--half") + 1]) * 2 ** 20;
  if (args.includes("warm")) await warmForRun(() => false);
  const faults = process.resourceUsage().minorPageFault;
  // a piece is 16 bytes or more (32 in a node without compressed pointers): at least both halves' worth, twice
  for (let i = 0; i < (4 * half) / 16; i++) _kept = { i };
  _kept = null;
  console.log(JSON.stringify({ faults: process.resourceUsage().minorPageFault - faults }));
}

void main();

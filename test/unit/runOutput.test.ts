// the Output channel's share of a run: the head as it comes, then only the tail, saying so
import * as assert from "node:assert";
import { HEAD_CHARS, RunOutput, TAIL_CHARS } from "../../src/extension/runOutput";

describe("run output for the Output channel", () => {
  it("writes a short run as it comes, ending on a new line", () => {
    const out: string[] = [];
    const r = new RunOutput((t) => out.push(t));
    r.write("one\n");
    r.write("two");
    r.end();
    assert.strictEqual(out.join(""), "one\ntwo\n");
  });

  it("keeps the head and the tail of a flood, and says how much it left out", () => {
    const out: string[] = [];
    const r = new RunOutput((t) => out.push(t));
    const line = "0123456789\n";
    const lines = 200_000; // 2.2 M characters
    for (let i = 0; i < lines; i++) r.write(line);
    r.end();
    const text = out.join("");
    const left = lines * line.length - HEAD_CHARS - TAIL_CHARS;
    assert.ok(text.startsWith(line.repeat(10)));
    assert.ok(text.includes(`${left.toLocaleString("en-US")} characters of output left out`), text.slice(HEAD_CHARS, HEAD_CHARS + 200));
    assert.ok(text.endsWith(line.repeat(10)));
    assert.ok(text.length < HEAD_CHARS + TAIL_CHARS + 300);
  });
});

// a run's output for the Output channel: everything up to a limit, then only the tail, so a script
// that prints a million lines cannot flood the channel. pure (no vscode): it is given `append`.

/** the head a run may write to the channel as it comes */
export const HEAD_CHARS = 1_000_000;
/** past the head, the last this many characters are kept and written when the run ends */
export const TAIL_CHARS = 100_000;

export class RunOutput {
  private written = 0;
  private tail = "";
  private dropped = 0;
  private lastChar = "\n";

  constructor(private readonly sink: (text: string) => void) {}

  private append(text: string): void {
    if (text === "") return;
    this.sink(text);
    this.lastChar = text[text.length - 1];
  }

  write(text: string): void {
    const room = HEAD_CHARS - this.written;
    if (room > 0) {
      const head = text.slice(0, room);
      this.append(head);
      this.written += head.length;
      text = text.slice(head.length);
      if (text === "") return;
    }
    this.tail += text;
    if (this.tail.length > 2 * TAIL_CHARS) this.trim();
  }

  /** writes the kept tail, with a line saying how much was left out */
  end(): void {
    this.trim();
    if (this.tail === "" && this.dropped === 0) {
      // what follows (the run's summary) starts on a line of its own
      if (this.lastChar !== "\n") this.append("\n");
      return;
    }
    if (this.dropped > 0) {
      const n = this.dropped.toLocaleString("en-US");
      this.append(
        `\n[… ${n} characters of output left out: the Output channel keeps the first ${HEAD_CHARS.toLocaleString("en-US")} and the last ${TAIL_CHARS.toLocaleString("en-US")} of a run]\n`,
      );
    }
    this.append(this.tail);
    if (this.lastChar !== "\n") this.append("\n");
    this.tail = "";
    this.dropped = 0;
  }

  private trim(): void {
    if (this.tail.length <= TAIL_CHARS) return;
    this.dropped += this.tail.length - TAIL_CHARS;
    this.tail = this.tail.slice(-TAIL_CHARS);
  }
}

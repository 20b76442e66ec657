// text from a script (its labels, its error messages, its file names) as the terminal may print it:
// control characters shown escaped, so that an ESC or BEL in a message cannot set the terminal's
// title, move the cursor or ring. a script's own console output is left as written (colours are
// the script's to print).

/**
 * `text` with its control characters (C0, DEL, C1) escaped as `\xNN` (`\n`, `\t`, `\r` by name);
 * `keepLines` leaves newlines and tabs as they are (a multi-line error message)
 */
export function escapeControls(text: string, keepLines = false): string {
  // eslint-disable-next-line no-control-regex -- control characters are what this escapes
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => {
    const code = c.charCodeAt(0);
    if (keepLines && (code === 0x0a || code === 0x09)) return c;
    return code === 0x0a ? "\\n" : code === 0x09 ? "\\t" : code === 0x0d ? "\\r" : `\\x${code.toString(16).padStart(2, "0")}`;
  });
}

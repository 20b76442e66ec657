// names without ceremony: after each statement of a user's file that assigns a plain variable
// (`const e = a.mul(b)`, `let loss = …`, `L = L.tanh()`), a call that labels the value with the
// variable's name when it is a Value with no label yet (engine/naming.ts). the call goes right
// after the statement, on the same line, and the source map's columns after it on that line move
// by its length: every line and column of the user's code maps where it did before.
// only statements of a block (a file, a function body, a loop's braces, a switch case) are named:
// not `for (let i = 0; …)` headers, property assignments (`this.w = …`) or destructuring.
import { parse } from "acorn";

/** the global the added calls use; the worker defines it before loading the script */
export const NAME_HELPER = "__backpropStepperName";

/** the part of acorn's tree this file reads */
interface AstNode {
  type: string;
  start: number;
  end: number;
  [key: string]: unknown;
}

/** statements whose parent holds them in one of these lists run one after another */
const STATEMENT_LISTS: Record<string, string> = { Program: "body", BlockStatement: "body", StaticBlock: "body", SwitchCase: "consequent" };

/** what can never evaluate to a Value object: naming after it would only cost time */
const NEVER_A_VALUE = new Set([
  "Literal",
  "TemplateLiteral",
  "ArrayExpression",
  "ObjectExpression",
  "FunctionExpression",
  "ArrowFunctionExpression",
  "ClassExpression",
  "BinaryExpression",
  "UnaryExpression",
  "UpdateExpression",
]);

/**
 * `code` (javascript, as sucrase wrote it) with naming calls added, and its source map's
 * `mappings` moved to match; unchanged when acorn cannot parse it (node then reports the error)
 */
export function addNames(code: string, mappings: string): { code: string; mappings: string } {
  let program: AstNode;
  try {
    program = parse(code, {
      ecmaVersion: "latest",
      sourceType: "script",
      allowReturnOutsideFunction: true,
      allowAwaitOutsideFunction: true,
      allowHashBang: true,
    }) as unknown as AstNode;
  } catch {
    return { code, mappings };
  }
  const inserts: { at: number; text: string }[] = [];
  visit(program, (statement) => {
    const names = assignedNames(statement);
    if (names.length === 0) return;
    const calls = names.map((id) => `${NAME_HELPER}(${code.slice(id.start, id.end)},${JSON.stringify(id.name)});`).join("");
    // the leading ";" ends a statement that relied on automatic semicolon insertion
    inserts.push({ at: statement.end, text: ";" + calls });
  });
  if (inserts.length === 0) return { code, mappings };
  inserts.sort((a, b) => a.at - b.at);

  const lineStarts = [0];
  for (let i = code.indexOf("\n"); i >= 0; i = code.indexOf("\n", i + 1)) lineStarts.push(i + 1);
  const shifts = new Map<number, { column: number; by: number }[]>();
  let line = 0;
  const parts: string[] = [];
  let from = 0;
  for (const { at, text } of inserts) {
    while (line + 1 < lineStarts.length && lineStarts[line + 1] <= at) line++;
    const onLine = shifts.get(line) ?? [];
    onLine.push({ column: at - lineStarts[line], by: text.length });
    shifts.set(line, onLine);
    parts.push(code.slice(from, at), text);
    from = at;
  }
  parts.push(code.slice(from));
  return { code: parts.join(""), mappings: shiftColumns(mappings, shifts) };
}

/** calls `onStatement` for every statement that sits directly in a statement list */
function visit(node: AstNode, onStatement: (statement: AstNode) => void): void {
  const list = STATEMENT_LISTS[node.type];
  if (list !== undefined) for (const statement of node[list] as AstNode[]) onStatement(statement);
  for (const key in node) {
    const child = node[key];
    if (Array.isArray(child)) {
      for (const c of child) if (isNode(c)) visit(c, onStatement);
    } else if (isNode(child)) visit(child, onStatement);
  }
}

function isNode(x: unknown): x is AstNode {
  return typeof x === "object" && x !== null && typeof (x as AstNode).type === "string";
}

/** the plain identifiers a statement assigns something that may be a Value to, in order */
function assignedNames(statement: AstNode): { name: string; start: number; end: number }[] {
  const out: { name: string; start: number; end: number }[] = [];
  const add = (target: AstNode, value: AstNode | null | undefined) => {
    if (target.type === "Identifier" && value && !NEVER_A_VALUE.has(value.type)) {
      out.push({ name: target.name as string, start: target.start, end: target.end });
    }
  };
  if (statement.type === "VariableDeclaration") {
    for (const d of statement.declarations as AstNode[]) add(d.id as AstNode, d.init as AstNode | null);
  } else if (statement.type === "ExpressionStatement") {
    const e = statement.expression as AstNode;
    for (const x of e.type === "SequenceExpression" ? (e.expressions as AstNode[]) : [e]) {
      if (x.type === "AssignmentExpression" && x.operator === "=") add(x.left as AstNode, x.right as AstNode);
    }
  }
  return out;
}

/** moves, on each given line, the generated column of every segment at or after an insertion */
function shiftColumns(mappings: string, shifts: Map<number, { column: number; by: number }[]>): string {
  const lines = mappings.split(";");
  for (const [line, at] of shifts) {
    if (line >= lines.length || lines[line] === "") continue;
    let column = 0;
    let moved = 0;
    lines[line] = lines[line]
      .split(",")
      .map((segment) => {
        const fields = decodeVlq(segment);
        column += fields[0];
        let to = column;
        for (const s of at) if (column >= s.column) to += s.by;
        fields[0] = to - moved;
        moved = to;
        return encodeVlq(fields);
      })
      .join(",");
  }
  return lines.join(";");
}

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** a source map segment's numbers (base64 VLQ: 5 bits a digit, continuation bit 32, sign in bit 1) */
export function decodeVlq(segment: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const ch of segment) {
    const digit = BASE64.indexOf(ch);
    value += (digit & 31) * 2 ** shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    out.push(value % 2 === 1 ? -(value - 1) / 2 : value / 2);
    value = 0;
    shift = 0;
  }
  return out;
}

export function encodeVlq(fields: readonly number[]): string {
  let out = "";
  for (const field of fields) {
    let value = field < 0 ? -field * 2 + 1 : field * 2;
    do {
      let digit = value % 32;
      value = Math.floor(value / 32);
      if (value > 0) digit |= 32;
      out += BASE64[digit];
    } while (value > 0);
  }
  return out;
}

// the side pane's table of values: a filter box, a count line and a scrolling table that keeps
// only the rows in view in the dom, so a graph of 70,000 values lists every one of them
import type { TableMoment } from "./looks";
import { el } from "./dom";
import { fmt } from "./format";

export interface TableRow {
  id: number; // the value's id
  name: string; // its label, or "#<id>" when it has none
  path: string; // where it lives, e.g. "MLP › layer 1 › neuron 2" ("" for none)
  op: string; // "" for a leaf
  data: number;
  param: boolean; // a parameter (weight or bias)
}

/** rows drawn above and below the visible ones, so a fast scroll shows no blank band */
const OVERSCAN = 4;
/** a first guess of a row's height; the first drawn row is measured */
const GUESS_ROW_PX = 22;
/** how long a revealed row flashes (the css animation is as long) */
const FLASH_MS = 1200;

// ---- pure parts (tested without a browser) ----

/** one word of a filter: text to find, or an id ("#12" is only id 12; "12" is id 12 or text) */
export interface Term {
  text: string;
  id: number | undefined;
  idOnly: boolean;
}

/** the words of a filter, lower-cased; a row must match every one */
export function parseQuery(query: string): Term[] {
  return query
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .map((text) => {
      const id = /^#?\d+$/.test(text) ? Number(text.replace("#", "")) : undefined;
      return { text, id, idOnly: id !== undefined && text.startsWith("#") };
    });
}

/** a row's text, lower-cased for matching */
export interface Lowered {
  name: string;
  path: string;
  op: string;
}

/** every row's text lower-cased; paths and ops repeat, so each is lower-cased once */
export function lowerAll(rows: readonly TableRow[]): Lowered[] {
  const seen = new Map<string, string>();
  const lower = (s: string) => {
    let l = seen.get(s);
    if (l === undefined) seen.set(s, (l = s.toLowerCase()));
    return l;
  };
  return rows.map((r) => ({ name: r.name.toLowerCase(), path: lower(r.path), op: lower(r.op) }));
}

export function matchesTerms(terms: readonly Term[], text: Lowered, id: number): boolean {
  for (const t of terms) {
    if (t.id === id) continue;
    if (t.idOnly || !(text.name.includes(t.text) || text.path.includes(t.text) || text.op.includes(t.text))) return false;
  }
  return true;
}

/** does the row match the filter text (case-insensitive; empty matches all) */
export function matches(row: TableRow, query: string): boolean {
  return matchesTerms(parseQuery(query), lowerAll([row])[0], row.id);
}

/** the rows [first, last) to draw when the rows' area is scrolled by top px (negative while the header is in view) */
export function windowOf(
  top: number,
  viewport: number,
  rowHeight: number,
  overscan: number,
  count: number,
): { first: number; last: number } {
  if (count <= 0) return { first: 0, last: 0 };
  if (!(rowHeight > 0)) return { first: 0, last: Math.min(count, overscan) };
  const first = Math.floor(Math.max(0, top) / rowHeight) - overscan;
  const last = Math.ceil(Math.max(0, top + viewport) / rowHeight) + overscan;
  const clamp = (i: number) => Math.min(count, Math.max(0, i));
  return { first: clamp(Math.min(first, count - 1)), last: clamp(last) };
}

/** "2,294 values", or "12 of 2,294 values match" while filtering */
export function countText(shown: number, total: number, filtering: boolean): string {
  const values = `${total.toLocaleString()} ${total === 1 ? "value" : "values"}`;
  if (!filtering) return values;
  return `${shown.toLocaleString()} of ${values} ${shown === 1 ? "matches" : "match"}`;
}

// ---- the table ----

let template: HTMLTableRowElement | undefined;

/** an empty row, cloned for each drawn row (cheaper than making its cells one by one) */
function rowTemplate(): HTMLTableRowElement {
  if (template) return template;
  // the name cell runs right to left (see table.css): the label first, then the path, so a long
  // path is cut at its left end and the label never is; each piece is an isolate read left to right
  const name = el("td", { class: "name" }, el("bdi", { class: "label" }), el("bdi", { class: "path" }));
  template = el("tr", {}, name, el("td", { class: "op" }), el("td", { class: "data" }), el("td", { class: "grad" }));
  return template;
}

export class ValuesTable {
  private readonly root: HTMLElement;
  private readonly filter: HTMLInputElement;
  private readonly count: HTMLElement;
  private readonly scroller: HTMLElement;
  private readonly head: HTMLTableSectionElement;
  private readonly body: HTMLTableSectionElement;
  private readonly topPad: HTMLTableCellElement;
  private readonly bottomPad: HTMLTableCellElement;

  private rows: TableRow[] = [];
  /** the rows' text lower-cased, made on the first filtering */
  private lowered: Lowered[] | undefined;
  /** the rows that pass the filter, in order */
  private shown: TableRow[] = [];
  /** the drawn rows: shown[first + k] is drawn[k] */
  private first = 0;
  private drawn: HTMLTableRowElement[] = [];

  private rowHeight = GUESS_ROW_PX;
  private headHeight = 0;
  private measured = false;
  private frame = 0;

  // the latest position, so rows that scroll in later show it too
  private moment: TableMoment | undefined;
  private flashId: number | undefined;
  /** the keyboard's row (↑ ↓ move it, Enter picks it, Shift+F10 opens its menu), by value id */
  private cursor: number | undefined;
  private flashTimer: ReturnType<typeof setTimeout> | undefined;
  /** the filter the rows were last filtered by */
  private applied = "";

  constructor(
    container: HTMLElement,
    private readonly onPick: (id: number) => void,
    /** right-click on a row: the value's context menu at (x, y) */
    private readonly onContext: (id: number, x: number, y: number) => void = () => {},
    /** the filter was typed in (the page's state keeps it; setFilter applies it) */
    private readonly onFilter: (text: string) => void = (text) => this.setFilter(text),
  ) {
    this.filter = el("input", { id: "values-filter", class: "values-filter" });
    this.filter.type = "search";
    this.filter.placeholder = "Filter values (label, path or #id)";
    this.filter.spellcheck = false;
    this.filter.setAttribute("aria-label", "Filter values");
    // keys are not stopped here: the page's key handler ignores inputs, and vs code's shortcuts must still work
    this.filter.addEventListener("input", () => this.onFilter(this.filter.value));

    this.count = el("p", { id: "values-count", class: "muted values-count" });
    this.count.setAttribute("aria-live", "polite");

    const col = (c: string) => el("col", { class: c });
    const th = (text: string, c: string) => el("th", { class: c }, text);
    this.head = el("thead", {}, el("tr", {}, th("value", "name"), th("op", "op"), th("data", "data"), th("grad", "grad")));
    this.topPad = el("td");
    this.bottomPad = el("td");
    for (const pad of [this.topPad, this.bottomPad]) pad.colSpan = 4;
    this.body = el("tbody", {}, el("tr", { class: "pad" }, this.topPad), el("tr", { class: "pad" }, this.bottomPad));
    const table = el(
      "table",
      { class: "values", id: "values" },
      el("colgroup", {}, col("name"), col("op"), col("data"), col("grad")),
      this.head,
      this.body,
    );
    this.body.addEventListener("click", (e) => {
      const tr = e.target instanceof Element ? e.target.closest<HTMLElement>("tr[data-node-id]") : null;
      if (!tr) return;
      this.setCursor(Number(tr.dataset.nodeId));
      this.onPick(Number(tr.dataset.nodeId));
    });
    this.body.addEventListener("contextmenu", (e) => {
      const tr = e.target instanceof Element ? e.target.closest<HTMLElement>("tr[data-node-id]") : null;
      if (!tr) return;
      e.preventDefault();
      this.onContext(Number(tr.dataset.nodeId), e.clientX, e.clientY);
    });

    this.scroller = el("div", { class: "values-scroll" }, table);
    // the table takes the keyboard focus as one stop; the arrows move a row cursor inside it
    this.scroller.tabIndex = 0;
    this.scroller.setAttribute("role", "group"); // a role that may point at its active row (aria-activedescendant)
    this.scroller.setAttribute("aria-label", "Values: arrow keys choose a row, Enter shows it, Shift+F10 opens its menu");
    this.scroller.addEventListener("keydown", (e) => this.key(e));
    this.scroller.addEventListener("focus", () => {
      if (this.cursor === undefined || !this.shown.some((r) => r.id === this.cursor)) {
        const first = this.shown[Math.min(this.shown.length - 1, this.first + (this.first > 0 ? OVERSCAN : 0))];
        if (first) this.setCursor(first.id);
      }
    });
    this.scroller.addEventListener("scroll", () => this.schedule(), { passive: true });
    // the pane is shown, hidden or resized: the number of rows in view changes
    new ResizeObserver(() => {
      this.measured = false;
      this.schedule();
    }).observe(this.scroller);

    this.root = el("div", { class: "values-pane" }, this.filter, this.count, this.scroller);
    this.root.hidden = true;
    container.append(this.root);
  }

  /** the rows, in the order to list them; keeps the filter text; resets scroll unless they are the same values again (a what-if) */
  setRows(rows: TableRow[], keepScroll = false): void {
    const top = this.scroller.scrollTop;
    this.rows = rows;
    this.lowered = undefined;
    this.moment = undefined;
    this.root.hidden = false;
    this.refilter();
    if (keepScroll && top > 0) {
      this.scroller.scrollTop = top;
      this.render();
    }
  }

  /** the filter as the page's state has it */
  setFilter(text: string): void {
    if (this.filter.value !== text) this.filter.value = text;
    if (text !== this.applied) this.refilter();
  }

  /** redraw grads and highlights: grad(id) is the grad at the stepper's position; current is the step's node; updated are the children it just changed */
  /** the values as they are at the pass's position: the grads, the data where the phase changes it, the highlighted rows */
  update(moment: TableMoment): void {
    this.moment = moment;
    for (const tr of this.drawn) this.paint(tr);
  }

  /** scroll so the row of id is visible (clearing the filter if it hides the row) and flash it */
  reveal(id: number): void {
    let at = this.shown.findIndex((r) => r.id === id);
    if (at < 0) {
      if (!this.rows.some((r) => r.id === id)) return;
      this.filter.value = "";
      this.refilter();
      at = this.shown.findIndex((r) => r.id === id);
    }
    // rows sit under the sticky header: row `at` is in view when its top is below it
    const s = this.scroller;
    const top = this.headHeight + at * this.rowHeight;
    const viewTop = s.scrollTop + this.headHeight;
    const viewBottom = s.scrollTop + s.clientHeight;
    if (top < viewTop || top + this.rowHeight > viewBottom) {
      // far rows come to the middle, so what is around them shows too
      s.scrollTop = top - this.headHeight - (s.clientHeight - this.headHeight - this.rowHeight) / 2;
    }
    this.flashId = id;
    clearTimeout(this.flashTimer);
    this.flashTimer = setTimeout(() => {
      this.flashId = undefined;
      for (const tr of this.drawn) tr.classList.remove("flash");
    }, FLASH_MS);
    this.render();
    const tr = this.drawn[at - this.first];
    if (!tr) return;
    // start the animation again when the row was flashing already
    tr.classList.remove("flash");
    void tr.offsetWidth;
    tr.classList.add("flash");
    // the side pane scrolls too: bring the row into its view
    tr.scrollIntoView({ block: "nearest", inline: "nearest" });
  }

  /** the table's keys, while it has the focus */
  private key(e: KeyboardEvent): void {
    if (e.altKey || e.ctrlKey || e.metaKey || this.shown.length === 0) return;
    const at = Math.max(
      0,
      this.shown.findIndex((r) => r.id === this.cursor),
    );
    const page = Math.max(1, Math.floor((this.scroller.clientHeight - this.headHeight) / this.rowHeight) - 1);
    const moves: Record<string, number> = {
      ArrowDown: at + 1,
      ArrowUp: at - 1,
      PageDown: at + page,
      PageUp: at - page,
      Home: 0,
      End: this.shown.length - 1,
    };
    const id = this.shown[at].id;
    if (e.key in moves) {
      const to = this.shown[Math.min(this.shown.length - 1, Math.max(0, moves[e.key]))];
      this.setCursor(to.id);
      this.scrollTo(this.shown.indexOf(to));
    } else if (e.key === "Enter") {
      this.onPick(id);
    } else if (e.key === "ContextMenu" || (e.shiftKey && e.key === "F10")) {
      this.scrollTo(at);
      const tr = this.drawn[at - this.first];
      const r = (tr ?? this.scroller).getBoundingClientRect();
      this.onContext(id, r.left + 16, r.bottom);
    } else return;
    // the page's own keys (Home, End step the pass) wait while the table has the focus
    e.preventDefault();
    e.stopPropagation();
  }

  private setCursor(id: number): void {
    this.cursor = id;
    this.scroller.setAttribute("aria-activedescendant", `value-row-${id}`);
    for (const tr of this.drawn) this.paint(tr);
  }

  /** scrolls just enough that row `at` of the shown rows is in view */
  private scrollTo(at: number): void {
    const s = this.scroller;
    const top = this.headHeight + at * this.rowHeight;
    if (top - this.headHeight < s.scrollTop) s.scrollTop = top - this.headHeight;
    else if (top + this.rowHeight > s.scrollTop + s.clientHeight) s.scrollTop = top + this.rowHeight - s.clientHeight;
    this.render();
    // the side pane scrolls too when the table is taller than it
    this.drawn[at - this.first]?.scrollIntoView({ block: "nearest", inline: "nearest" });
  }

  /** empty the table (no trace) */
  clear(): void {
    this.rows = [];
    this.shown = [];
    this.lowered = undefined;
    this.moment = undefined;
    this.flashId = undefined;
    this.render();
    this.count.textContent = "";
    this.root.hidden = true;
  }

  // ---- inside ----

  private refilter(): void {
    this.applied = this.filter.value;
    const terms = parseQuery(this.filter.value);
    if (terms.length === 0) {
      this.shown = this.rows;
    } else {
      const lowered = (this.lowered ??= lowerAll(this.rows));
      this.shown = this.rows.filter((r, i) => matchesTerms(terms, lowered[i], r.id));
    }
    this.count.textContent = countText(this.shown.length, this.rows.length, terms.length > 0);
    // a new list: drop every drawn row and start from the top
    for (const tr of this.drawn) tr.remove();
    this.drawn = [];
    this.first = 0;
    this.scroller.scrollTop = 0;
    this.render();
  }

  private schedule(): void {
    if (!this.frame) {
      this.frame = requestAnimationFrame(() => {
        this.frame = 0;
        this.render();
      });
    }
  }

  /** draws the rows in view, keeping those already drawn */
  private render(retry = true): void {
    const s = this.scroller;
    const viewport = s.clientHeight;
    const { first, last } = windowOf(s.scrollTop - this.headHeight, viewport, this.rowHeight, OVERSCAN, this.shown.length);
    const oldFirst = this.first;
    const oldLast = this.first + this.drawn.length;
    const keepFirst = Math.max(first, oldFirst);
    const keepLast = Math.min(last, oldLast);
    const kept: HTMLTableRowElement[] = [];
    const spare: HTMLTableRowElement[] = [];
    this.drawn.forEach((tr, k) => {
      const i = oldFirst + k;
      (i >= keepFirst && i < keepLast ? kept : spare).push(tr);
    });
    const before: HTMLTableRowElement[] = [];
    const after: HTMLTableRowElement[] = [];
    if (kept.length === 0) {
      // a jump: the drawn rows show other values now; filling them again where they are costs
      // less than new rows
      const reused = spare.splice(0, last - first);
      reused.forEach((tr, k) => this.fill(tr, this.shown[first + k]));
      for (let i = first + reused.length; i < last; i++) after.push(this.make(this.shown[i]));
      kept.push(...reused);
    } else {
      for (let i = first; i < keepFirst; i++) before.push(this.make(this.shown[i]));
      for (let i = keepLast; i < last; i++) after.push(this.make(this.shown[i]));
    }
    for (const tr of spare) tr.remove();
    this.topPad.parentElement!.after(...before);
    this.bottomPad.parentElement!.before(...after);
    this.drawn = [...before, ...kept, ...after];
    this.first = first;
    this.topPad.style.height = `${first * this.rowHeight}px`;
    this.bottomPad.style.height = `${(this.shown.length - last) * this.rowHeight}px`;
    if (!retry) return;
    // the row height depends on the theme's font: measure a drawn row once
    let again = false;
    if (!this.measured && this.drawn.length > 0 && viewport > 0) {
      this.measured = true;
      this.headHeight = this.head.getBoundingClientRect().height;
      const h = this.drawn[0].getBoundingClientRect().height;
      again = h > 0 && Math.abs(h - this.rowHeight) > 0.01;
      if (again) this.rowHeight = h;
    }
    // a short list grows the pane as it is drawn: draw again for the pane's new height
    if (again || s.clientHeight !== viewport) this.render(false);
  }

  private make(row: TableRow): HTMLTableRowElement {
    return this.fill(rowTemplate().cloneNode(true) as HTMLTableRowElement, row);
  }

  /** the row's texts and highlights for this value */
  private fill(tr: HTMLTableRowElement, row: TableRow): HTMLTableRowElement {
    tr.dataset.nodeId = String(row.id);
    tr.id = `value-row-${row.id}`;
    tr.dataset.label = row.name;
    tr.title = row.path ? `${row.path} › ${row.name}` : row.name;
    // the cell's text runs label-then-path (drawn right to left): assistive tech reads the path first
    tr.cells[0].setAttribute("aria-label", tr.title);
    tr.classList.toggle("param", row.param);
    const [name, op, data] = tr.cells;
    const [label, path] = name.children as HTMLCollectionOf<HTMLElement>;
    label.textContent = row.name;
    path.textContent = row.path ? `${row.path} ›` : "";
    path.hidden = !row.path;
    op.textContent = row.op;
    data.dataset.script = fmt(row.data, 6);
    this.paint(tr);
    return tr;
  }

  /** the row's grad and highlights at the latest position */
  private paint(tr: HTMLTableRowElement): void {
    const id = Number(tr.dataset.nodeId);
    const m = this.moment;
    const grad = m ? m.grad(id) : "";
    const cell = tr.cells[3];
    if (cell.textContent !== grad) cell.textContent = grad;
    const dataCell = tr.cells[2];
    const data = m?.data?.(id) ?? dataCell.dataset.script ?? "";
    if (dataCell.textContent !== data) dataCell.textContent = data;
    tr.classList.toggle("current", m?.current === id);
    tr.classList.toggle("updated", m?.updated.has(id) ?? false);
    tr.classList.toggle("flash", this.flashId === id);
    tr.classList.toggle("cursor", this.cursor === id);
  }
}

// a value's context menu (right-click on the graph or in the values table; Shift+F10): plain DOM
// over the page, drawn from the page's state (state.menu, items from menuItems.ts). a number is
// asked for in the menu. it only draws and reports: an item chosen, or the menu dismissed.
import { el } from "./dom";
import type { MenuItem } from "./menuItems";

export class ContextMenu {
  private open: HTMLElement | undefined;
  /** what the open menu was drawn for, so the same state draws nothing again */
  private drawnFor: unknown;
  /** where the keyboard focus was before the menu opened: it goes back there when the menu closes */
  private returnFocus: HTMLElement | undefined;

  constructor(
    /** an item was chosen (with its number, if it asks for one) */
    private readonly onChoose: (item: MenuItem, value?: number) => void,
    /** Escape, or a click elsewhere */
    private readonly onDismiss: () => void,
  ) {
    document.addEventListener("mousedown", (e) => {
      if (this.open && !this.open.contains(e.target as Node)) this.onDismiss();
    });
    document.addEventListener("keydown", (e) => {
      if (this.open && e.key === "Escape") this.onDismiss();
    });
  }

  get isOpen(): boolean {
    return this.open !== undefined;
  }

  /** the menu for `key` (what it is for), or none; items are drawn when `key` changes */
  draw(key: unknown, menu: { title: string; items: MenuItem[]; x: number; y: number } | undefined): void {
    if (!menu) return this.close();
    if (this.open && this.drawnFor === key) return;
    this.close();
    this.drawnFor = key;
    this.returnFocus = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
    const box = el("div", { class: "context-menu", id: "context-menu" });
    box.setAttribute("role", "menu");
    box.append(el("div", { class: "title" }, menu.title));
    for (const item of menu.items) {
      const row = el("button", { class: "item" }, `${item.checked ? "✓ " : ""}${item.label}`);
      row.setAttribute("role", "menuitem");
      row.addEventListener("click", () => (item.number ? this.askNumber(row, item) : this.onChoose(item)));
      box.append(row);
    }
    box.addEventListener("keydown", (e) => moveFocus(box, e));
    document.body.append(box);
    const r = box.getBoundingClientRect();
    box.style.left = `${Math.max(4, Math.min(menu.x, window.innerWidth - r.width - 4))}px`;
    box.style.top = `${Math.max(4, Math.min(menu.y, window.innerHeight - r.height - 4))}px`;
    this.open = box;
    (box.querySelector("button.item") as HTMLButtonElement | null)?.focus();
  }

  private close(): void {
    const box = this.open;
    if (!box) return;
    const hadFocus = box.contains(document.activeElement);
    box.remove();
    this.open = undefined;
    this.drawnFor = undefined;
    if (hadFocus && this.returnFocus?.isConnected) this.returnFocus.focus();
    this.returnFocus = undefined;
  }

  /** the row becomes a number field; Enter chooses the item with the number */
  private askNumber(row: HTMLElement, item: MenuItem): void {
    const field = el("input", { class: "number", title: item.label });
    field.type = "text";
    field.inputMode = "decimal";
    field.value = item.number!.initial;
    field.placeholder = item.number!.placeholder;
    const error = el("div", { class: "error" });
    field.addEventListener("keydown", (e) => {
      e.stopPropagation();
      if (e.key === "Escape") return this.onDismiss();
      if (e.key !== "Enter") return;
      const v = parseNumber(field.value);
      if (v === undefined) {
        error.textContent = "a number, please (1.5, -2e-3, NaN, Infinity)";
        return;
      }
      this.onChoose(item, v);
    });
    row.replaceWith(el("div", { class: "ask" }, el("div", { class: "muted" }, item.label), field, error));
    field.focus();
    field.select();
  }
}

/** a number as typed: 1.5, -2e-3, NaN, Infinity, -inf; undefined when it is not one */
export function parseNumber(typed: string): number | undefined {
  const text = typed.trim();
  if (/^[-+]?inf(inity)?$/i.test(text)) return text.startsWith("-") ? -Infinity : Infinity;
  if (/^nan$/i.test(text)) return NaN;
  const v = Number(text);
  return text === "" || Number.isNaN(v) ? undefined : v;
}

/** arrow keys, Home and End move the focus between the menu's items, round at the ends */
function moveFocus(menu: HTMLElement, e: KeyboardEvent): void {
  const rows = [...menu.querySelectorAll<HTMLButtonElement>("button.item")];
  if (rows.length === 0 || e.target instanceof HTMLInputElement) return;
  const at = rows.indexOf(document.activeElement as HTMLButtonElement);
  const to: Record<string, number> = {
    ArrowDown: at + 1,
    ArrowUp: at - 1,
    Home: 0,
    End: rows.length - 1,
    Tab: e.shiftKey ? at - 1 : at + 1,
  };
  if (!(e.key in to)) return;
  // the page's own keys (stepping with the arrows, Home, End) wait while the menu is open
  e.preventDefault();
  e.stopPropagation();
  rows[(to[e.key] + rows.length) % rows.length].focus();
}

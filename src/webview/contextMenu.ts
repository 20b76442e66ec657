// a value's context menu (right-click on the graph or in the values table): breakpoints, run to
// here, and what-if's "change data". plain DOM over the page; a number is asked for in the menu.
import { el } from "./dom";

export interface MenuItem {
  label: string;
  /** a checkmark before it */
  checked?: boolean;
  /** ask for a number first (the field starts with `initial`) */
  number?: { initial: string; placeholder: string };
  run(value?: number): void;
}

let open: HTMLElement | undefined;
/** where the keyboard focus was before the menu opened: it goes back there when the menu closes */
let returnFocus: HTMLElement | undefined;

export function closeMenu(): void {
  if (!open) return;
  const hadFocus = open.contains(document.activeElement);
  open.remove();
  open = undefined;
  if (hadFocus && returnFocus?.isConnected) returnFocus.focus();
  returnFocus = undefined;
}

/** shows `items` at (x, y) in the page; Escape or a click elsewhere closes it. ↑ ↓ Home End move between items */
export function showMenu(title: string, items: MenuItem[], x: number, y: number): void {
  closeMenu();
  returnFocus = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
  const menu = el("div", { class: "context-menu", id: "context-menu" });
  menu.setAttribute("role", "menu");
  menu.append(el("div", { class: "title" }, title));
  for (const item of items) {
    const row = el("button", { class: "item" }, `${item.checked ? "✓ " : ""}${item.label}`);
    row.setAttribute("role", "menuitem");
    row.addEventListener("click", () => {
      if (!item.number) {
        closeMenu();
        return item.run();
      }
      askNumber(menu, row, item);
    });
    menu.append(row);
  }
  menu.addEventListener("keydown", (e) => moveFocus(menu, e));
  document.body.append(menu);
  const box = menu.getBoundingClientRect();
  menu.style.left = `${Math.max(4, Math.min(x, window.innerWidth - box.width - 4))}px`;
  menu.style.top = `${Math.max(4, Math.min(y, window.innerHeight - box.height - 4))}px`;
  open = menu;
  (menu.querySelector("button.item") as HTMLButtonElement | null)?.focus();
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

/** the row becomes a number field; Enter runs the item with the number */
function askNumber(menu: HTMLElement, row: HTMLElement, item: MenuItem): void {
  const field = el("input", { class: "number", title: item.label });
  field.type = "text";
  field.inputMode = "decimal";
  field.value = item.number!.initial;
  field.placeholder = item.number!.placeholder;
  const error = el("div", { class: "error" });
  field.addEventListener("keydown", (e) => {
    e.stopPropagation();
    if (e.key === "Escape") return closeMenu();
    if (e.key !== "Enter") return;
    const text = field.value.trim();
    const v = /^[-+]?(inf(inity)?)$/i.test(text) ? (text.startsWith("-") ? -Infinity : Infinity) : /^nan$/i.test(text) ? NaN : Number(text);
    if (text === "" || (Number.isNaN(v) && !/^nan$/i.test(text))) {
      error.textContent = "a number, please (1.5, -2e-3, NaN, Infinity)";
      return;
    }
    closeMenu();
    item.run(v);
  });
  row.replaceWith(el("div", { class: "ask" }, el("div", { class: "muted" }, item.label), field, error));
  field.focus();
  field.select();
  void menu;
}

document.addEventListener("mousedown", (e) => {
  if (open && !open.contains(e.target as Node)) closeMenu();
});
document.addEventListener("keydown", (e) => {
  if (open && e.key === "Escape") closeMenu();
});

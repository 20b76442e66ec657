// building the page's elements. text from a script (labels, messages) only ever goes in as
// textContent: it is data, never html.

type Child = Node | string | null | undefined | false;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { class?: string; title?: string; id?: string; data?: Record<string, string> } = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (props.class) e.className = props.class;
  if (props.title) e.title = props.title;
  if (props.id) e.id = props.id;
  for (const [k, v] of Object.entries(props.data ?? {})) e.dataset[k] = v;
  for (const c of children) if (c) e.append(c);
  return e;
}

export function button(text: string, title: string, id: string, onClick: () => void): HTMLButtonElement {
  const b = el("button", { title, id }, text);
  b.addEventListener("click", onClick);
  return b;
}

/** the value of a vs code theme colour, with a fallback for a page outside vs code */
export function themeColor(name: string, fallback: string): string {
  const v = getComputedStyle(document.body).getPropertyValue(`--vscode-${name}`).trim();
  return v || fallback;
}

// a value's context menu as data: its items, each with the action it sends. breakpoints (grad not
// finite, |grad| past a bound, the pass reaching it), run to here, what-if. pure (no DOM); the menu
// itself (contextMenu.ts) draws them.
import type { Breakpoint } from "./breakpoints";
import { drawnOf } from "./drawn";
import type { PageState } from "./state";
import { shownOf } from "./state";
import { nameOf } from "./names";
import type { Action } from "./update";

export interface MenuItem {
  label: string;
  /** a checkmark before it */
  checked?: boolean;
  /** ask for a number first (the field starts with `initial`) */
  number?: { initial: string; placeholder: string };
  /** the action it sends (with the number asked for, if any) */
  act(value?: number): Action;
}

export function menuItems(s: PageState, id: number): { title: string; items: MenuItem[] } | undefined {
  const shown = shownOf(s);
  if (!shown) return undefined;
  const f = drawnOf(shown).facts;
  const n = f.nodes.get(id);
  if (!n) return undefined;
  const label = nameOf(n);
  const has = (kind: Breakpoint["kind"]) => s.breakpoints.find((b) => b.id === id && b.kind === kind);
  const above = has("above");
  const items: MenuItem[] = [
    {
      label: "Stop when its grad becomes NaN or infinite",
      checked: !!has("nonFinite"),
      act: () => ({ type: "breakpoint", breakpoint: { id, label, kind: "nonFinite" } }),
    },
    {
      label: "Stop when |grad| goes above…",
      checked: !!above,
      number: { initial: String(above?.kind === "above" ? above.bound : 1), placeholder: "a bound, such as 10" },
      act: (v) => ({ type: "breakpoint", breakpoint: { id, label, kind: "above", bound: Math.abs(v!) } }),
    },
  ];
  if (f.stepIndex.has(id)) {
    items.push({
      label: "Stop when the pass reaches it",
      checked: !!has("reach"),
      act: () => ({ type: "breakpoint", breakpoint: { id, label, kind: "reach" } }),
    });
    items.push({ label: "Run to here", act: () => ({ type: "runTo", id }) });
  }
  if (s.breakpoints.some((b) => b.id === id)) items.push({ label: "Remove its breakpoints", act: () => ({ type: "unbreak", id }) });
  if (n.children.length === 0 && f.trace.recorded)
    items.push({
      label: "Change its data… (what-if)",
      number: { initial: String(n.data), placeholder: "a new value" },
      act: (v) => ({ type: "whatIf", id, value: v! }),
    });
  if (shown.edits.length) items.push({ label: "Reset what-if: the script's values", act: () => ({ type: "resetWhatIf" }) });
  return { title: label, items };
}

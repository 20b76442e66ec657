// which nn module is building values right now: a value records it at construction,
// so the panel can fold a big graph into neurons and layers.

let current: string | undefined = undefined;

/** the module path ("MLP/L1/N2") new values get, or undefined outside any module */
export function currentModule(): string | undefined {
  return current;
}

/** run fn with every value it creates tagged with path; nests, and restores on throw */
export function withModule<T>(path: string, fn: () => T): T {
  const prev = current;
  current = path;
  try {
    return fn();
  } finally {
    current = prev;
  }
}

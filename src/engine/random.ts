// a small seeded generator (mulberry32), so a script gets the same weights and data on every run.

/** the seed modules and datasets use when none is given */
export const DEFAULT_SEED = 42;

export class Random {
  private state: number;

  constructor(seed: number = DEFAULT_SEED) {
    this.state = seed >>> 0;
  }

  /** uniform in [0, 1) */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** uniform in [a, b) */
  uniform(a = 0, b = 1): number {
    return a + (b - a) * this.next();
  }

  /** gaussian (box-muller) */
  normal(mean = 0, std = 1): number {
    const u = 1 - this.next(); // (0, 1], so the log is finite
    const v = this.next();
    return mean + std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** integer in [0, n) */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** fisher-yates, in place; returns the same array */
  shuffle<T>(xs: T[]): T[] {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = xs[i];
      xs[i] = xs[j];
      xs[j] = t;
    }
    return xs;
  }
}

export function rng(seed: number = DEFAULT_SEED): Random {
  return new Random(seed);
}

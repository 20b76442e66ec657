// the position in a recorded backward pass, and every grad at that position. pure, so the panel,
// its tests and anything else step the same way. the numbers are the recorded ones: stepping back
// restores the `before` of each update exactly, with no arithmetic that could drift.
import type { Trace, TraceStep } from "../engine/trace";

export class Stepper {
  /** how many steps have run: 0 = the pass has only seeded the root's grad */
  private pos = 0;
  private readonly grads = new Map<number, number>();
  /** which step each node with children is (its index in trace.steps) */
  readonly stepIndex = new Map<number, number>();

  constructor(readonly trace: Trace) {
    trace.steps.forEach((s, i) => this.stepIndex.set(s.node, i));
    this.reset();
  }

  get position(): number {
    return this.pos;
  }

  get total(): number {
    return this.trace.steps.length;
  }

  get done(): boolean {
    return this.pos === this.total;
  }

  /** the step that ran last, the one the panel highlights */
  get current(): TraceStep | undefined {
    return this.pos > 0 ? this.trace.steps[this.pos - 1] : undefined;
  }

  /** a node's grad at this position */
  grad(id: number): number {
    return this.grads.get(id) ?? 0;
  }

  reset(): void {
    this.pos = 0;
    this.grads.clear();
    for (const n of this.trace.nodes) this.grads.set(n.id, n.gradBefore ?? 0);
    // backward() seeds the root: d root / d root = 1, added to what it held
    const root = this.trace.root;
    this.grads.set(root, this.grad(root) + 1);
  }

  step(): boolean {
    if (this.done) return false;
    for (const u of this.trace.steps[this.pos].updates) this.grads.set(u.child, u.after);
    this.pos++;
    return true;
  }

  back(): boolean {
    if (this.pos === 0) return false;
    this.pos--;
    const updates = this.trace.steps[this.pos].updates;
    for (let i = updates.length - 1; i >= 0; i--) this.grads.set(updates[i].child, updates[i].before);
    return true;
  }

  /** moves to position k (clamped) */
  goTo(k: number): void {
    const target = Math.max(0, Math.min(this.total, Math.floor(k)));
    if (target < this.pos / 2) this.reset();
    while (this.pos < target) this.step();
    while (this.pos > target) this.back();
  }
}

// a trace node's op as the engine's op code: what re-running a recorded graph needs (the numeric
// check, what-if). a hand-written op (manualGrad) has no formula in the trace: CUSTOM.
import { CUSTOM, OP_NAMES, POW } from "./ops";
import type { TraceNode } from "./trace";

export interface NodeOp {
  code: number;
  /** pow's exponent */
  k: number;
}

export function opOf(node: TraceNode): NodeOp {
  if (node.custom) return { code: CUSTOM, k: 0 };
  if (node.op.startsWith("**")) return { code: POW, k: Number(node.op.slice(2)) };
  const c = OP_NAMES.indexOf(node.op);
  return { code: c > 0 ? c : CUSTOM, k: 0 };
}

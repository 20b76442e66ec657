// the trace of one backward() call from root, as the runner would get it
import { Value, buildTrace, setBackwardListener, type BackwardCall, type Trace } from "../../src/engine";

export function traceOf(root: Value): Trace {
  let call: BackwardCall | undefined;
  setBackwardListener((c) => (call = c));
  try {
    root.backward();
  } finally {
    setBackwardListener(null);
  }
  return buildTrace(call!);
}

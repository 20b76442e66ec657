// the trace of one backward() call from root, as the runner would get it
import { Value, buildTrace, setBackwardListener, type BackwardCall, type Trace } from "../../src/engine";

/** the call root.backward() makes, as the runner's listener hears it */
export function callOf(root: Value): BackwardCall {
  let call: BackwardCall | undefined;
  setBackwardListener((c) => (call = c));
  try {
    root.backward();
  } finally {
    setBackwardListener(null);
  }
  return call!;
}

export function traceOf(root: Value): Trace {
  return buildTrace(callOf(root));
}

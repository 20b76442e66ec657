// a model's forward recorded once as a graph and worked out again for other inputs by the
// evaluator: the same formulas (ops.ts evalOp) in the same order, so the same numbers as calling
// forward again, without making a graph of values each time. showDecision's picture asks the model
// at 1,600 points of the plane; for micrograd's two-moons MLP that was a million values (a third
// of a second before the run's result could be sent), now a pass over 700 numbers per point.
//
// only for a forward whose graph cannot depend on its input: the library's own modules (an MLP,
// a Layer, a Neuron: the same products, sums and activations whatever the numbers). a script's own
// function may branch on its input, and is called at every point as it is.
import { Value } from "./value";
import { Evaluator } from "./evaluator";
import { topoOrder } from "./topo";
import { argmax } from "./reduce";
import { MLP } from "./nn/mlp";
import { Layer } from "./nn/layer";
import { Neuron } from "./nn/neuron";

const LIBRARY_FORWARDS: ReadonlySet<unknown> = new Set([MLP.prototype.forward, Layer.prototype.forward, Neuron.prototype.forward]);

/**
 * the model's output at (x, y) as a number (one output's data, or the index of the largest of
 * several), recorded at (x0, y0) with the parameters' data as they are now; null when the model's
 * forward is not one the library knows the graph of
 */
export function recordedForward(model: unknown, x0: number, y0: number): ((x: number, y: number) => number) | null {
  if (!(model instanceof MLP || model instanceof Layer || model instanceof Neuron) || !LIBRARY_FORWARDS.has(model.forward)) return null;
  const x = new Value(x0);
  const y = new Value(y0);
  const outs = model.forward([x, y]);
  if (outs.length === 0) return null;
  // one root over every output, so that one order holds them all
  const root = outs.length === 1 ? outs[0] : outs.reduce((sum, o) => sum.add(o));
  const order = topoOrder(root);
  const graph = Evaluator.fromOrder(order);
  const base = order[0]._mark;
  const at = outs.map((o) => o._mark - base);
  const [px, py] = [x._mark - base, y._mark - base];
  // an input the outputs do not reach is not in the order: the model is called at every point instead
  if (order[px] !== x || order[py] !== y) return null;
  // one array of numbers, the two inputs set and the rest worked out again at each point
  const values = graph.data.slice();
  return (vx, vy) => {
    values[px] = vx;
    values[py] = vy;
    graph.recompute(values);
    return at.length === 1 ? values[at[0]] : argmax(at.map((i) => values[i]));
  };
}

// the engine as user scripts see it: import { Value, MLP } from "backprop-stepper".
// pure typescript: no vscode, no DOM, no node APIs, so it runs in a worker, the cli and tests alike.
// the exports marked internal at the end are the runner's and the tests': a script does not get
// them (the runner leaves INTERNAL_EXPORTS out of "backprop-stepper") and the editor does not offer
// them (the declarations are built with stripInternal).

export { Value, manualGrad } from "./value";
export type { SourceLoc, ManualOp } from "./value";
export { topoOrder } from "./topo";
export { setRecording, isRecording } from "./recorder";
export type { Trace, TraceNode, TraceStep, TraceUpdate, TraceGroup } from "./trace";
export { gradCheck } from "./gradCheck";
export type { NumericResult } from "./numericCheck";
export type { GradCheckEntry } from "./gradCheck";
export { withModule } from "./group";
export { sum, mean, argmax } from "./reduce";
export { track } from "./track";
export { showDecision } from "./decision";
export type { DecisionModel, DecisionData } from "./decision";
export type { UpdateRecord, ParamUpdate, UpdateRule, Decision, DecisionGrid, DecisionPoint } from "./types";
export { Random, rng, DEFAULT_SEED } from "./random";
export { Tensor, tensor } from "./tensor/tensor";
export { Linear } from "./tensor/linear";
export type { LinearOptions } from "./tensor/linear";
export type { TensorData, NestedNumbers } from "./tensor/tensor";
export type { ManualForward, ManualBackward } from "./tensor/manual";
export type { TraceTensor, TraceTensorInput } from "./types";

export { Module } from "./nn/module";
export { Neuron } from "./nn/neuron";
export type { NeuronOptions } from "./nn/neuron";
export { Layer } from "./nn/layer";
export type { LayerOptions } from "./nn/layer";
export { MLP } from "./nn/mlp";
export type { MLPOptions } from "./nn/mlp";
export type { Activation } from "./nn/activation";
export { mse, hingeLoss, binaryCrossEntropy, softmaxCrossEntropy, softmax, l2 } from "./nn/losses";
export type { Batch } from "./nn/losses";
export { SGD } from "./nn/sgd";
export type { SGDOptions } from "./nn/sgd";
export { Adam } from "./nn/adam";
export type { AdamOptions } from "./nn/adam";

export type { Dataset } from "./data/dataset";
export { xor } from "./data/xor";
export { twoMoons } from "./data/twoMoons";
export { iris } from "./data/iris";

/** @internal */
export { lift } from "./value";
/** @internal the runner's: a script that replaced it would lose its own backward() calls */
export { setBackwardListener } from "./recorder";
/** @internal */
export type { BackwardCall, BackwardListener } from "./recorder";
/** @internal */
export { buildTrace } from "./trace";
/** @internal */
export { toJson, fromJson, reviveNumber, NUMERIC_KEYS } from "./json";
/** @internal */
export { NumericCheck, checkTrace, disagrees } from "./numericCheck";
/** @internal the names of the @internal exports above (and this one), which scripts do not get */
export const INTERNAL_EXPORTS: readonly string[] = [
  "lift",
  "setBackwardListener",
  "buildTrace",
  "toJson",
  "fromJson",
  "reviveNumber",
  "NUMERIC_KEYS",
  "NumericCheck",
  "checkTrace",
  "disagrees",
  "INTERNAL_EXPORTS",
];

// the words a learner reads when a script runs but gives nothing to draw

export function noBackwardHint(): string {
  return [
    "The script ran but never called backward(), so there is no backward pass to show.",
    "Call it on the value you want gradients of, for example:",
    "    const loss = o.mul(o);",
    "    loss.backward();",
  ].join("\n");
}

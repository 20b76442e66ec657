// the extension's settings, read in one place
import * as vscode from "vscode";
import { DEFAULTS } from "../runner/runScript";

export interface Settings {
  timeoutSeconds: number;
  memoryMb: number;
  maxNodes: number;
  rerunOnSave: boolean;
}

export function readSettings(): Settings {
  const c = vscode.workspace.getConfiguration("backpropStepper");
  return {
    timeoutSeconds: c.get<number>("timeoutSeconds", DEFAULTS.timeoutSeconds),
    memoryMb: c.get<number>("memoryMb", DEFAULTS.memoryMb),
    maxNodes: c.get<number>("maxNodes", DEFAULTS.maxNodes),
    rerunOnSave: c.get<boolean>("rerunOnSave", true),
  };
}

import { randomBytes } from "node:crypto";

/** a fresh value for the webview's content security policy, one per page */
export function nonce(): string {
  return randomBytes(16).toString("base64");
}

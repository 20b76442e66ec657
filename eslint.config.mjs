// eslint with typescript-eslint's recommended rules, for the extension, the engine, the page,
// the tests and the scripts; formatting is prettier's (npm run format)
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";

export default tseslint.config(
  { ignores: ["dist/**", "out/**", "node_modules/**", ".vscode-test/**", "test-results/**", "src/tsPlugin/node_modules/**", ".tmp/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // `_name` marks a parameter an interface requires and the code does not use
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      // `catch {}` where a failure needs no handling (a process already gone, a file already removed)
      "no-empty": ["error", { allowEmptyCatch: true }],
    },
  },
  // the cli's launcher is plain commonjs
  { files: ["bin/**"], rules: { "@typescript-eslint/no-require-imports": "off" } },
  { files: ["src/webview/**", "bench/harness/**"], languageOptions: { globals: { ...globals.browser } } },
  { files: ["test/**", "bench/**"], languageOptions: { globals: { ...globals.mocha, ...globals.node, ...globals.browser } } },
  // the script examples are what a learner writes: they run in the worker, with node's globals
  { files: ["examples/**", "bench/scripts/**"], rules: { "@typescript-eslint/no-unused-vars": "warn" } },
);

// a typescript server plugin: `import … from "backprop-stepper"` resolves to the engine's types
// shipped with the extension, so scripts type-check and complete with no npm install and no
// tsconfig edit. a project that installs its own "backprop-stepper" keeps its own.
import * as path from "node:path";
import type * as ts from "typescript/lib/tsserverlibrary";

const MODULE = "backprop-stepper";

function init(modules: { typescript: typeof ts }): ts.server.PluginModule {
  const typescript = modules.typescript;
  return {
    create(info) {
      const typesFile = path.join(__dirname, "types", "index.d.ts");
      const host = info.languageServiceHost;
      const resolveLiterals = host.resolveModuleNameLiterals?.bind(host);
      if (!resolveLiterals) return info.languageService;
      const ours: ts.ResolvedModuleWithFailedLookupLocations = {
        resolvedModule: { resolvedFileName: typesFile, extension: typescript.Extension.Dts, isExternalLibraryImport: true },
      };
      host.resolveModuleNameLiterals = (literals, ...rest) => {
        const resolved = resolveLiterals(literals, ...rest);
        return resolved.map((r, i) => (literals[i].text === MODULE && !r.resolvedModule ? ours : r));
      };
      info.project.projectService.logger.info(`[backprop-stepper] "${MODULE}" resolves to ${typesFile}`);
      return info.languageService;
    },
  };
}

export = init;

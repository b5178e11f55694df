// Injected into dist/cli.bundle.cjs by scripts/bundle-cli.mjs: a CommonJS bundle has no
// import.meta, and the modules that load optional packages lazily (koffi, yaml) resolve them with
// createRequire(import.meta.url). The bundle's own URL resolves them from the same node_modules.
export const import_meta_url = require('node:url').pathToFileURL(__filename).href;

// Stands in for node:child_process in commander, inside dist/cli.bundle.cjs (scripts/bundle-cli.mjs):
// commander requires it when it loads, for executable subcommands, which connreset has none of,
// and loading it (with node:dgram and the rest it pulls in) cost every start ~1.3 ms. The real
// module is loaded on first use.
'use strict';
let real = null;
module.exports = new Proxy({}, { get: (_, key) => (real ??= require('node:child_process'))[key] });

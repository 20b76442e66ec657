#!/usr/bin/env node
// the cli is bundled by `npm run build`
require("../dist/cli.js");

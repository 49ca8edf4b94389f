#!/usr/bin/env node
// The CLI runs from its bundle (npm ci / npm run build produce dist/bundle/): one module
// graph of a few files starts ~150 ms sooner than the ~300 modules of dist/ it is made
// from. Commands load their own chunk on use.
import { main } from '../dist/bundle/main.mjs';

process.exitCode = await main(process.argv.slice(2));

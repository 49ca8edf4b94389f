#!/usr/bin/env node
// The CLI from dist/'s modules rather than the bundle bin/ uses: a CPU profile of it names
// each frame's package (bench/profile.ts); the bundle merges them into a few chunks.
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));

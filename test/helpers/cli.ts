// Runs the CLI from the TypeScript sources (node --import tsx test/helpers/cli.ts ...),
// exactly as bin/dativo-host.mjs runs it from dist/.
import { main } from '../../host/src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));

/**
 * The bundle's program (tools/dev/bundle-intake.ts): runs the CLI. It is
 * loaded by the bundle's first file only after that has checked the Node
 * version, because these modules need Node 22.12 (node:sqlite).
 */
import { runAsProgram } from './cli.ts';

runAsProgram(process.argv.slice(2));

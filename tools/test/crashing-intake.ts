/**
 * Test-only entry: the intake CLI (`node tools/test/crashing-intake.ts
 * serve …`) whose store kills its own process (SIGKILL) inside the
 * transaction that stores a request, after the rows are written and before
 * COMMIT. The crash tests (intake/tests/receiver-crash.test.ts,
 * tests/system/intake-faults.test.ts) run it; the real CLI has no way to
 * turn this on.
 */
import { runAsProgram } from '../../intake/src/cli.ts';
import { IntakeStore } from '../../intake/src/store.ts';

IntakeStore.beforeCommit = () => process.kill(process.pid, 'SIGKILL');
runAsProgram(process.argv.slice(2));

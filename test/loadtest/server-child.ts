// Runs a test server (test-servers.ts) in its own process, so that the server's event loop does not
// share time with the load generator's and its server-side latencies are a fair truth.
// argv[2] is a JSON BehaviourSpec. Prints {"url": ...} once listening; GET /__stats returns the truth.
import { startTestServer, behaviourFromSpec, preferThisProcess, type BehaviourSpec } from './test-servers.js';

preferThisProcess();

const spec = JSON.parse(process.argv[2] ?? '{}') as BehaviourSpec;
const s = await startTestServer(behaviourFromSpec(spec), true);
process.stdout.write(`${JSON.stringify({ url: s.url })}\n`);
process.on('SIGTERM', () => void s.close().then(() => process.exit(0)));
// Exit with the test process: no orphan servers if a test dies.
process.on('disconnect', () => process.exit(0));

/**
 * Regenerates src/security/probe/security-probe.generated.ts from SecurityProbe.sol:
 *
 *   npx tsx --conditions=development packages/agents/test/security/generate-probe.ts
 */
import { writeFileSync } from 'node:fs';
import { PROBE_MODULE, renderProbeModule } from './probe-module';

writeFileSync(PROBE_MODULE, renderProbeModule());
process.stdout.write(`wrote ${PROBE_MODULE}\n`);

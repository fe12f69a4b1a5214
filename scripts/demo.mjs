#!/usr/bin/env node
// `make demo`: `evs-snapshots serve` with the mock EVS service as its
// upstream, so that the demo takes the path a real account takes. The mock
// (on a free loopback port) checks AK/SK signatures with a key pair made up
// for this run and answers IAM's project lookup; the command gets the pair
// in HUAWEICLOUD_SDK_AK/SK, the mock's URL as its endpoint and IAM
// endpoint, the mock's region, and no project ID (IAM finds it). The
// dashboard's URL with its access key is the command's first line.
//
// Usage: node scripts/demo.mjs [--port 8080] [--count N]
//   --port   the dashboard's port (make demo's PORT)
//   --count  the mock serves N snapshots (make demo's COUNT)
// Ctrl-C stops both.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { startMockEvs } from '../tests/mock-evs/server.mjs';
import { REGION } from '../tests/mock-evs/data.mjs';

const { values } = parseArgs({ options: { port: { type: 'string', default: '8080' }, count: { type: 'string' } } });
const count = values.count ? Number(values.count) : undefined;
if (count !== undefined && !(Number.isSafeInteger(count) && count >= 0)) {
  console.error('demo: --count must be a whole number');
  process.exit(2);
}

const ak = randomBytes(10).toString('hex').toUpperCase();
const sk = randomBytes(20).toString('base64url');
const mock = await startMockEvs({ port: 0, quiet: true, ak, sk, liveProgress: true, count });
console.error(`demo: mock EVS service (AK/SK signatures checked, IAM for ${REGION}) at ${mock.url}`);

const bin = fileURLToPath(new URL('../pkg/bin/evs-snapshots.mjs', import.meta.url));
const child = spawn(
  process.execPath,
  [bin, 'serve', '--port', values.port, '--endpoint', mock.url, '--region', REGION, '--iam-endpoint', mock.url],
  {
    stdio: 'inherit',
    // The developer's own account settings must not leak in (a token would win over the pair): '' counts as unset.
    env: {
      ...process.env,
      HUAWEICLOUD_SDK_AK: ak,
      HUAWEICLOUD_SDK_SK: sk,
      HUAWEICLOUD_SDK_SECURITY_TOKEN: '',
      HUAWEICLOUD_SDK_PROJECT_ID: '',
      EVS_SNAPSHOTS_TOKEN: '',
      EVS_SNAPSHOTS_TOKEN_FILE: '',
    },
  },
);
// Ctrl-C reaches the command too (one process group); passed on all the same
// for a SIGINT sent to this process alone. The command stops, then the mock.
process.on('SIGINT', () => child.kill('SIGINT'));
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', async (code, signal) => {
  await mock.close();
  process.exit(code ?? (signal ? 1 : 0));
});

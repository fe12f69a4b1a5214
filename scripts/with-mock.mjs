#!/usr/bin/env node
// Runs a command with the mock EVS service listening on a free loopback
// port, its API URL in EVS_MOCK_URL (and the project in EVS_MOCK_PROJECT);
// the mock stops when the command ends. For `make test-wasm`, whose tests
// call the module's async exports against the mock.
//
// In Chromium those tests run on wasm-bindgen-test-runner's page, served
// from a port it picks at random, so the mock allows cross-origin API calls
// from any port of http://127.0.0.1 and http://localhost (and nothing else:
// no other host, not https, and never its /__mock/ control endpoints) for
// as long as the command runs.
//
// Usage: node scripts/with-mock.mjs <command> [args...]
import { spawn } from 'node:child_process';
import { startMockEvs } from '../tests/mock-evs/server.mjs';
import { PROJECT_ID } from '../tests/mock-evs/data.mjs';

const [cmd, ...args] = process.argv.slice(2);
if (!cmd) {
  console.error('usage: node scripts/with-mock.mjs <command> [args...]');
  process.exit(2);
}
const mock = await startMockEvs({ port: 0, quiet: true, allowOrigins: ['http://127.0.0.1:*', 'http://localhost:*'] });
const child = spawn(cmd, args, {
  stdio: 'inherit',
  env: { ...process.env, EVS_MOCK_URL: mock.apiUrl, EVS_MOCK_PROJECT: PROJECT_ID },
});
// Bounded: a test run that hangs is stopped after 15 minutes.
const limit = setTimeout(() => child.kill('SIGTERM'), 15 * 60 * 1000);
child.on('exit', async (code, signal) => {
  clearTimeout(limit);
  await mock.close();
  process.exit(code ?? (signal ? 1 : 0));
});

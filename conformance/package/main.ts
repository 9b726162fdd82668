// check.sh's second half: node dist/conformance/package/main.js TARBALL
// Checks the tarball's file list, installs it into an empty consumer project in a temp folder,
// type-checks the consumer (and the README's ```ts blocks) under module nodenext and
// moduleResolution bundler with skipLibCheck false, runs one flow through the installed package
// against the demo server on a loopback port, and runs node_modules/.bin/device-grant --help.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { USAGE } from '../../lib/cli/usage.js';
import { startDemoServer } from '../server/main.js';
import { binHelp, installConsumer, runFlow, tarballFiles, tarballProblems, typeCheck } from './consumer.js';

async function check(tarball: string): Promise<void> {
  const files = await tarballFiles(tarball);
  const problems = tarballProblems(files);
  if (problems.length > 0) throw new Error(`the tarball is wrong: ${problems.join(', ')}`);
  console.log(`package: ${files.length} files, LICENSE and the built library present, no tests`);
  const dir = mkdtempSync(join(tmpdir(), 'device-grant-consumer-'));
  const server = await startDemoServer({ interval: 0.05 });
  try {
    await installConsumer(tarball, dir);
    await typeCheck(dir);
    console.log('package: flow.ts and the README blocks type-check under module nodenext and moduleResolution bundler (skipLibCheck false)');
    console.log(`package: flow ${await runFlow(dir, server.url.origin)}`);
    if ((await binHelp(dir)) !== USAGE) throw new Error('node_modules/.bin/device-grant --help does not print the usage');
    console.log('package: node_modules/.bin/device-grant --help prints the usage');
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const tarball = process.argv[2];
if (tarball === undefined) {
  console.error('usage: node dist/conformance/package/main.js TARBALL');
  process.exitCode = 2;
} else {
  await check(tarball).catch((error: unknown) => {
    console.error(`package: FAIL ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}

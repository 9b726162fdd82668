// The built bin as a real child process: the shebang file, entry detection (also through a
// symlink, as npm installs it), and SIGINT wired to the abort signal.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startServer } from './support.js';

const BIN = fileURLToPath(new URL('../../lib/cli/main.js', import.meta.url));

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Spawns `node file args`; `onStderr` sees stderr so far and may signal the child. */
function spawnBin(file: string, args: string[], onStderr?: (text: string, kill: (signal: NodeJS.Signals) => void) => void): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      onStderr?.(stderr, (signal) => child.kill(signal));
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

test('dg:cli:bin dg:cli:help the built bin starts with a node shebang, and `node dist/lib/cli/main.js --help` exits 0', async () => {
  assert.ok(readFileSync(BIN, 'utf8').startsWith('#!/usr/bin/env node\n'));
  const result = await spawnBin(BIN, ['--help']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^Usage: device-grant --issuer URL --client-id ID/);
  assert.equal(result.stderr, '');
});

test('dg:cli:bin dg:cli:version the bin runs through a symlink named device-grant, as npm installs it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'device-grant-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const link = join(dir, 'device-grant');
  symlinkSync(BIN, link);
  const result = await spawnBin(link, ['--version']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^device-grant \d+\.\d+\.\d+/);
});

test('dg:cli:bin dg:cli:bad-flags the bin sets exit code 2 for a bad flag', async () => {
  const result = await spawnBin(BIN, ['--frobnicate']);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /unknown argument: --frobnicate/);
});

test('dg:cli:sigint-130 dg:cli:bin SIGINT to the running bin aborts the wait and exits 130', async (t) => {
  const srv = await startServer({ interval: 5 });
  t.after(srv.close);
  let sent = false;
  const result = await spawnBin(BIN, ['--issuer', srv.issuer, '--client-id', 'demo-public', '--insecure'], (text, kill) => {
    if (!sent && text.includes('Waiting for approval')) {
      sent = true;
      kill('SIGINT');
    }
  });
  assert.equal(result.code, 130, result.stderr);
  assert.equal(result.signal, null);
  assert.match(result.stderr, /\nInterrupted\.\n$/);
  assert.equal(result.stdout, '');
});

test('dg:cli:bin importing the module runs nothing, even when argv[1] is no file (node -e) or absent', async () => {
  const script = `import(${JSON.stringify(BIN)}).then((m) => { console.log(typeof m.main); })`;
  for (const extra of [['not-a-file'], []]) {
    const result = await spawnBin('-e', [script, ...extra]); // node -e SCRIPT [args]
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'function\n', 'imported, and no usage text or run');
    assert.equal(result.stderr, '');
  }
});

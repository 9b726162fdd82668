// Our own rows: the portable core runs on web-standard APIs alone.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runPortableFlow } from '../portability/flow.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

function coreSources(dir = join(root, 'lib')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'cli' ? [] : coreSources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

test('dg:runtime:web-standard no core file imports node: or touches a Node global', () => {
  const files = coreSources();
  assert.ok(files.length > 20, 'the scan found the core sources');
  const forbidden = [/from\s+['"]node:/, /import\(\s*['"]node:/, /\brequire\s*\(/, /\bprocess\./, /\bBuffer\b/, /__dirname|__filename/];
  for (const file of files) {
    const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, ''); // comments may name them
    for (const pattern of forbidden) assert.doesNotMatch(code, pattern, `${file} matches ${pattern}`);
  }
});

test('dg:runtime:web-standard the core build has no Node types, and a whole flow runs on web APIs alone', async () => {
  const tsconfig = JSON.parse(readFileSync(join(root, 'tsconfig.lib.json'), 'utf8')) as { compilerOptions: { types: string[]; lib: string[] }; exclude: string[] };
  assert.deepEqual(tsconfig.compilerOptions.types, []);
  assert.ok(tsconfig.compilerOptions.lib.includes('DOM'));
  assert.deepEqual(tsconfig.exclude, ['lib/cli/**']);
  assert.match(await runPortableFlow(), /^OK 3 polls, token_type bearer, expiresIn 60$/);
});

// The README a new user reads: its usage block is the real `device-grant --help`, read live from
// lib/cli/usage.ts so that a change to the flags fails here until the README follows.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { USAGE } from '../../lib/cli/usage.js';
import { ROOT } from './consumer.js';

/** The fenced blocks (any language) whose first line starts with `firstLine`. */
function blocksStartingWith(readme: string, firstLine: string): string[] {
  return [...readme.matchAll(/^```[a-z]*\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? '').filter((block) => block.startsWith(firstLine));
}

test('dg:ship:readme-usage the README\'s usage block is exactly what device-grant --help prints', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const blocks = blocksStartingWith(readme, 'Usage: device-grant ');
  assert.equal(blocks.length, 1, 'one usage block');
  assert.equal(blocks[0], USAGE, 'refresh the README\'s usage block from `node dist/lib/cli/main.js --help`');
});

test('dg:ship:readme-usage the block finder sees a usage block in any fence and nothing else', () => {
  const text = '```\nUsage: device-grant x\n```\n```sh\nnpm ci\n```\n```text\nUsage: device-grant y\n```\n';
  assert.deepEqual(blocksStartingWith(text, 'Usage: device-grant '), ['Usage: device-grant x\n', 'Usage: device-grant y\n']);
});

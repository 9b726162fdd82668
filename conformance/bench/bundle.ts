// dg:perf:bundle-size: an application entry that imports discovery, initiateDeviceAuthorization,
// pollDeviceAuthorizationGrant and ClientSecretBasic from dist/lib/index.js, bundled with
// `npx --yes esbuild@0.28.2 --bundle --minify --format=esm --platform=neutral`, then `gzip -9`.
// Also lists which modules take the most room, from esbuild's metafile.
//
// Run by run.ts as `node dist/conformance/bench/bundle.js` (needs npx, and network on first use).

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { emit, type BenchResult } from './support.js';

const ESBUILD = 'esbuild@0.28.2';
/** Budget: spec/project.md, row dg:perf:bundle-size. */
const BUDGET_BYTES = 3000;

// This file runs as dist/conformance/bench/bundle.js.
const INDEX = fileURLToPath(new URL('../../lib/index.js', import.meta.url));

interface Metafile {
  outputs: Record<string, { bytes: number; inputs: Record<string, { bytesInOutput: number }> }>;
}

/** gzip -9 of `data`, with the gzip tool as the row says; zlib at level 9 if the tool is missing. */
function gzip9(data: Buffer): { bytes: number; tool: string } {
  try {
    return { bytes: execFileSync('gzip', ['-9', '-c', '-n'], { input: data, maxBuffer: 64 * 1024 * 1024 }).length, tool: 'gzip -9 -n' };
  } catch {
    return { bytes: gzipSync(data, { level: 9 }).length, tool: 'zlib level 9' };
  }
}

function main(): void {
  const dir = mkdtempSync(join(tmpdir(), 'device-grant-bundle-'));
  try {
    const entry = join(dir, 'entry.js');
    writeFileSync(
      entry,
      `export { discovery, initiateDeviceAuthorization, pollDeviceAuthorizationGrant, ClientSecretBasic } from ${JSON.stringify(INDEX)};\n`,
    );
    const outfile = join(dir, 'bundle.js');
    const metafile = join(dir, 'meta.json');
    execFileSync(
      'npx',
      ['--yes', ESBUILD, '--bundle', '--minify', '--format=esm', '--platform=neutral', `--outfile=${outfile}`, `--metafile=${metafile}`, '--log-level=warning', entry],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
    const bundle = readFileSync(outfile);
    const gz = gzip9(bundle);
    const meta = JSON.parse(readFileSync(metafile, 'utf8')) as Metafile;
    const output = Object.values(meta.outputs)[0]!;
    const modules = Object.entries(output.inputs)
      .map(([path, { bytesInOutput }]) => {
        const at = path.lastIndexOf('dist/lib/');
        const name = at === -1 ? path : `lib/${path.slice(at + 'dist/lib/'.length)}`;
        // Each module's share of the gzip size, estimated in proportion to its minified bytes.
        return { module: name.replace(/\.js$/, '.ts'), minified: bytesInOutput, gzipShareEstimate: Math.round((bytesInOutput / bundle.length) * gz.bytes) };
      })
      .filter((m) => m.minified > 0)
      .sort((a, b) => b.minified - a.minified);
    console.log(`bundle: ${bundle.length} B minified, ${gz.bytes} B after ${gz.tool} (budget ${BUDGET_BYTES} B)`);
    if (gz.bytes > BUDGET_BYTES) {
      console.log(`  over budget by ${gz.bytes - BUDGET_BYTES} B (${Math.round((gz.bytes / BUDGET_BYTES) * 100)} % of the budget). Largest modules (minified bytes, estimated gzip share):`);
    } else {
      console.log('  modules (minified bytes, estimated gzip share):');
    }
    for (const m of modules.slice(0, 12)) console.log(`    ${m.module.padEnd(28)} ${String(m.minified).padStart(6)} B  ~${m.gzipShareEstimate} B`);
    const results: BenchResult[] = [
      {
        id: 'dg:perf:bundle-size',
        metric: `esbuild (${ESBUILD}) --bundle --minify --format=esm --platform=neutral, then ${gz.tool}`,
        value: gz.bytes,
        unit: 'B',
        budget: BUDGET_BYTES,
        details: { minifiedBytes: bundle.length, gzipTool: gz.tool, entryImports: ['discovery', 'initiateDeviceAuthorization', 'pollDeviceAuthorizationGrant', 'ClientSecretBasic'], modules },
      },
    ];
    emit(results);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();

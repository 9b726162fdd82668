// dg:perf:bundle-size and dg:perf:sans-io-size: application entries bundled with esbuild
// (--bundle --minify --format=esm --platform=neutral), then gzip -9.
//
// - the base: discovery, initiateDeviceAuthorization, pollDeviceAuthorizationGrant and
//   ClientSecretBasic, from device-grant and from openid-client; the ratio is the budget;
// - the base plus each optional feature of features.ts (skipped with a note while it does not exist);
// - the sans-I/O entry (device-grant/sans-io, everything it exports).
// The largest modules of the base come from esbuild's metafile.
//
// Run by run.ts as `node dist/conformance/bench/bundle.js`. esbuild and openid-client come
// from the bench cache (cache.ts), not from package.json.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { PACKAGE_ROOT, benchTools } from './cache.js';
import { FEATURES } from './features.js';
import { emit, round, type BenchResult } from './support.js';

/** Budgets: spec/project.md, rows dg:perf:bundle-size (× openid-client) and dg:perf:sans-io-size (B). */
const BUNDLE_BUDGET_RATIO = 0.7;
const SANS_IO_BUDGET_BYTES = 2500;

const BASE = ['discovery', 'initiateDeviceAuthorization', 'pollDeviceAuthorizationGrant', 'ClientSecretBasic'];
const DIST_LIB = join(PACKAGE_ROOT, 'dist', 'lib');

interface Metafile {
  outputs: Record<string, { bytes: number; inputs: Record<string, { bytesInOutput: number }> }>;
}

interface Measured {
  minified: number;
  gzip: number;
  modules: Array<{ module: string; minified: number }>;
}

/** gzip -9 with the gzip tool as the rows say; zlib at level 9 if the tool is missing. */
function gzip9(data: Buffer): number {
  try {
    return execFileSync('gzip', ['-9', '-c', '-n'], { input: data, maxBuffer: 64 * 1024 * 1024 }).length;
  } catch {
    return gzipSync(data, { level: 9 }).length;
  }
}

function measure(esbuild: string, dir: string, name: string, source: string): Measured {
  const entry = join(dir, `${name}.entry.js`);
  const outfile = join(dir, `${name}.js`);
  const metafile = join(dir, `${name}.meta.json`);
  writeFileSync(entry, source);
  execFileSync(esbuild, ['--bundle', '--minify', '--format=esm', '--platform=neutral', `--outfile=${outfile}`, `--metafile=${metafile}`, '--log-level=warning', entry], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const bundle = readFileSync(outfile);
  const output = Object.values((JSON.parse(readFileSync(metafile, 'utf8')) as Metafile).outputs)[0]!;
  const modules = Object.entries(output.inputs)
    .map(([path, { bytesInOutput }]) => {
      const lib = path.lastIndexOf('dist/lib/');
      const nm = path.lastIndexOf('node_modules/');
      const module = lib !== -1 ? `lib/${path.slice(lib + 9).replace(/\.js$/, '.ts')}` : nm !== -1 ? path.slice(nm + 13) : path;
      return { module, minified: bytesInOutput };
    })
    .filter((m) => m.minified > 0)
    .sort((a, b) => b.minified - a.minified);
  return { minified: bundle.length, gzip: gzip9(bundle), modules };
}

const from = (names: readonly string[], file: string): string => `export { ${names.join(', ')} } from ${JSON.stringify(file)};\n`;

async function main(): Promise<void> {
  const tools = benchTools();
  const esbuild = tools.esbuild.bin;
  const dir = mkdtempSync(join(tmpdir(), 'device-grant-bundle-'));
  try {
    const index = join(DIST_LIB, 'index.js');
    const dg = measure(esbuild, dir, 'device-grant', from(BASE, index));
    const oc = measure(esbuild, dir, 'openid-client', from(BASE, tools.openidClient.entry));
    const ratio = dg.gzip / oc.gzip;
    console.log(`bundle: ${BASE.join(' + ')}; esbuild ${tools.esbuild.version} --bundle --minify --format=esm --platform=neutral, then gzip -9`);
    console.log(`                     minified    gzip -9   vs openid-client   budget`);
    console.log(`  device-grant       ${String(dg.minified).padStart(8)} B ${String(dg.gzip).padStart(8)} B   ${ratio.toFixed(3).padStart(8)}         ≤ ${BUNDLE_BUDGET_RATIO} (${Math.floor(oc.gzip * BUNDLE_BUDGET_RATIO)} B)`);
    console.log(`  openid-client ${tools.openidClient.version.padEnd(6)}${String(oc.minified).padStart(8)} B ${String(oc.gzip).padStart(8)} B`);
    console.log('  largest modules of device-grant (minified bytes in the bundle, ~share of the gzip size):');
    for (const m of dg.modules.slice(0, 12)) console.log(`    ${m.module.padEnd(36)} ${String(m.minified).padStart(6)} B  ~${Math.round((m.minified / dg.minified) * dg.gzip)} B`);
    console.log(`  openid-client modules: ${oc.modules.map((m) => `${m.module} ${m.minified} B`).join(', ')}`);

    console.log('  base + each optional feature (gzip -9):');
    const indexModule = (await import(pathToFileURL(index).href)) as Record<string, unknown>;
    const features: Record<string, unknown> = {};
    for (const f of FEATURES) {
      const file = join(DIST_LIB, f.from ?? 'index.js');
      const module = f.from === undefined ? indexModule : existsSync(file) ? ((await import(pathToFileURL(file).href)) as Record<string, unknown>) : undefined;
      const missing = module === undefined ? [...f.exports] : f.exports.filter((name) => !(name in module));
      if (missing.length > 0) {
        console.log(`    ${f.feature.padEnd(40)} skipped: ${module === undefined ? `no dist/lib/${f.from}` : `no export ${missing.join(', ')}`} yet`);
        features[f.feature] = { skipped: `missing ${missing.join(', ')}` };
        continue;
      }
      const withFeature = measure(esbuild, dir, `feature-${Object.keys(features).length}`, from(BASE, index) + from(f.exports, file));
      console.log(`    ${f.feature.padEnd(40)} ${String(withFeature.gzip).padStart(6)} B (+${withFeature.gzip - dg.gzip} B)`);
      features[f.feature] = { gzip: withFeature.gzip, added: withFeature.gzip - dg.gzip };
    }

    const sansIoFile = join(DIST_LIB, 'sans-io.js');
    const results: BenchResult[] = [
      {
        id: 'dg:perf:bundle-size',
        metric: `gzip -9 of the esbuild bundle of ${BASE.join(', ')}: device-grant / openid-client ${tools.openidClient.version}`,
        value: round(ratio, 3),
        unit: '× openid-client',
        budget: BUNDLE_BUDGET_RATIO,
        details: {
          esbuild: tools.esbuild.version,
          deviceGrant: { minified: dg.minified, gzip: dg.gzip },
          openidClient: { version: tools.openidClient.version, minified: oc.minified, gzip: oc.gzip },
          modules: dg.modules,
          features,
        },
      },
    ];
    if (existsSync(sansIoFile)) {
      const sansIo = measure(esbuild, dir, 'sans-io', `export * from ${JSON.stringify(sansIoFile)};\n`);
      console.log(`  sans-I/O entry (device-grant/sans-io, every export): ${sansIo.minified} B minified, ${sansIo.gzip} B gzip -9 (budget ${SANS_IO_BUDGET_BYTES} B)`);
      for (const m of sansIo.modules.slice(0, 8)) console.log(`    ${m.module.padEnd(36)} ${String(m.minified).padStart(6)} B`);
      results.push({
        id: 'dg:perf:sans-io-size',
        metric: 'gzip -9 of the esbuild bundle of every export of device-grant/sans-io',
        value: sansIo.gzip,
        unit: 'B',
        budget: SANS_IO_BUDGET_BYTES,
        details: { minified: sansIo.minified, modules: sansIo.modules },
      });
    }
    emit(results);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

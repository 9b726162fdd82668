// Bench-only tools, fetched on demand into a cache folder outside package.json (as
// conformance/portability/check.sh fetches runtimes): openid-client, to measure side by side,
// and esbuild, to measure bundles. Neither is a dependency of the project.
//
//   node_modules/.cache/device-grant-bench/   (override with DEVICE_GRANT_BENCH_CACHE)

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What the bench installs: openid-client 6.x and the esbuild the bundle rows name. */
export const OPENID_CLIENT = 'openid-client@6';
export const ESBUILD = 'esbuild@0.28.2';

// This file runs as dist/conformance/bench/cache.js, so the package root is three levels up.
export const PACKAGE_ROOT: string = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export interface BenchTools {
  dir: string;
  /** The installed openid-client's ESM entry and version. */
  openidClient: { entry: string; version: string };
  /** The esbuild binary and version. */
  esbuild: { bin: string; version: string };
}

function cacheDir(): string {
  return process.env['DEVICE_GRANT_BENCH_CACHE'] ?? join(PACKAGE_ROOT, 'node_modules', '.cache', 'device-grant-bench');
}

function versionOf(dir: string, name: string): string | undefined {
  const file = join(dir, 'node_modules', name, 'package.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version : undefined;
}

/** Installs the tools on first use (needs the npm registry once), then reuses them. */
export function benchTools(): BenchTools {
  const dir = cacheDir();
  const esbuildVersion = ESBUILD.split('@')[1]!;
  if (versionOf(dir, 'openid-client')?.startsWith('6.') !== true || versionOf(dir, 'esbuild') !== esbuildVersion) {
    mkdirSync(dir, { recursive: true });
    console.error(`bench: installing ${OPENID_CLIENT} and ${ESBUILD} into ${dir} (bench only, not in package.json)`);
    execFileSync('npm', ['install', '--prefix', dir, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--loglevel=error', OPENID_CLIENT, ESBUILD], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  return {
    dir,
    openidClient: { entry: join(dir, 'node_modules', 'openid-client', 'build', 'index.js'), version: versionOf(dir, 'openid-client')! },
    esbuild: { bin: join(dir, 'node_modules', '.bin', 'esbuild'), version: versionOf(dir, 'esbuild')! },
  };
}

// The package as a user gets it: a tarball from `npm pack`, installed into an empty consumer
// project (the files in conformance/package/consumer/) in a temp folder. Shared by the test
// (package.test.ts, on a tarball packed from the current build) and by check.sh (on a tarball
// packed from scratch by the prepack script). Needs no network: the package has no dependencies
// and tsc comes from this repository's node_modules.
import { spawn } from 'node:child_process';
import { copyFileSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file runs from dist/conformance/package/). */
export const ROOT: string = fileURLToPath(new URL('../../../', import.meta.url));
const CONSUMER = join(ROOT, 'conformance/package/consumer');
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command to its end and collects its output; never rejects on a non-zero exit. Under
 * c8 the children would write V8 coverage of tsc and npm, which no report needs: it is turned off.
 */
export function run(command: string, args: readonly string[], cwd: string): Promise<Run> {
  const env = { ...process.env };
  delete env['NODE_V8_COVERAGE'];
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function mustRun(what: string, command: string, args: readonly string[], cwd: string): Promise<string> {
  const result = await run(command, args, cwd);
  if (result.code !== 0) throw new Error(`${what} failed (exit ${String(result.code)}):\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

/** The files the tarball must hold: the library, its types, the CLI, the sources, the documents. */
export const REQUIRED_FILES: readonly string[] = [
  'package.json',
  'README.md',
  'LICENSE',
  'CHANGELOG.md',
  'dist/lib/index.js',
  'dist/lib/index.d.ts',
  'dist/lib/qr.js',
  'dist/lib/qr.d.ts',
  'dist/lib/cli/main.js',
  'lib/index.ts',
];

/** What is wrong with a tarball's file list (paths relative to the package): missing files, tests. */
export function tarballProblems(files: readonly string[]): string[] {
  const problems = REQUIRED_FILES.filter((file) => !files.includes(file)).map((file) => `missing ${file}`);
  for (const file of files) {
    if (/(^|\/)conformance\/|\.test\.[cm]?[jt]s$|\.test\.d\.ts$/.test(file)) problems.push(`a test: ${file}`);
  }
  return problems;
}

/** `npm pack` into `destination`; with `ignoreScripts` the current dist/ is packed as it is. */
export async function pack(destination: string, ignoreScripts: boolean): Promise<string> {
  const args = ['pack', '--silent', '--pack-destination', destination, ...(ignoreScripts ? ['--ignore-scripts'] : [])];
  const name = (await mustRun('npm pack', 'npm', args, ROOT)).trim().split('\n').pop() ?? '';
  return join(destination, name);
}

/** The tarball's file list, without the leading `package/`. */
export async function tarballFiles(tarball: string): Promise<string[]> {
  const listing = await mustRun('tar -tzf', 'tar', ['-tzf', tarball], ROOT);
  return listing.split('\n').filter((line) => line !== '').map((line) => line.replace(/^package\//, ''));
}

/** The ```ts blocks of README.md, in order. */
export function readmeTsBlocks(readme: string = readFileSync(join(ROOT, 'README.md'), 'utf8')): string[] {
  return [...readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? '');
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The ```ts blocks of the `@example` tags in a source text's JSDoc, without the ` * ` margin. */
export function jsdocExamples(source: string): string[] {
  return [...source.matchAll(/^ \* @example\n \* ```ts\n([\s\S]*?)^ \* ```$/gm)].map((match) =>
    (match[1] ?? '').replace(/^ \*(?: |$)/gm, ''),
  );
}

/** Every `@example` block in lib/, in file order. */
export function libExamples(): string[] {
  return sourceFiles(join(ROOT, 'lib')).sort().flatMap((file) => jsdocExamples(readFileSync(file, 'utf8')));
}

/**
 * An empty project in `dir` that installs `tarball` (offline), with flow.ts, every README ```ts
 * block as readme-N.ts and every JSDoc `@example` of lib/ as example-N.ts beside it.
 */
export async function installConsumer(tarball: string, dir: string): Promise<void> {
  for (const file of readdirSync(CONSUMER)) copyFileSync(join(CONSUMER, file), join(dir, file));
  readmeTsBlocks().forEach((block, index) => writeFileSync(join(dir, `readme-${index + 1}.ts`), block));
  libExamples().forEach((block, index) => writeFileSync(join(dir, `example-${index + 1}.ts`), block));
  await mustRun('npm install of the tarball', 'npm', ['install', '--offline', '--no-audit', '--no-fund', '--no-package-lock', tarball], dir);
}

/** tsc (this repository's) under both consumer configurations; the nodenext one emits out/. */
export async function typeCheck(dir: string): Promise<void> {
  await Promise.all([
    mustRun('tsc under module nodenext', process.execPath, [TSC, '-p', 'tsconfig.nodenext.json'], dir),
    mustRun('tsc under moduleResolution bundler', process.execPath, [TSC, '-p', 'tsconfig.bundler.json'], dir),
  ]);
}

/** Runs the consumer's compiled flow against `issuer`; resolves to its summary line. */
export async function runFlow(dir: string, issuer: string): Promise<string> {
  return (await mustRun('the consumer flow', process.execPath, ['out/flow.js', issuer], dir)).trim();
}

/** `device-grant --help` through node_modules/.bin, as npm linked it. */
export async function binHelp(dir: string): Promise<string> {
  return mustRun('node_modules/.bin/device-grant --help', join(dir, 'node_modules/.bin/device-grant'), ['--help'], dir);
}

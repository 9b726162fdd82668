// The package as a user installs it: a tarball of the current build (npm pack --ignore-scripts;
// check.sh does the same from scratch with the prepack build), installed offline into an empty
// consumer project in a temp folder.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { USAGE } from '../../lib/cli/usage.js';
import { startDemoServer, type DemoServer } from '../server/main.js';
import { ROOT, binHelp, installConsumer, jsdocExamples, libExamples, pack, readmeTsBlocks, runFlow, tarballFiles, tarballProblems, typeCheck } from './consumer.js';

const work = mkdtempSync(join(tmpdir(), 'device-grant-package-'));
const consumer = join(work, 'consumer');
let files: string[] = [];
let typeError: unknown;
let server: DemoServer;

// One pack, one install and one type check (which also emits out/) for all the tests below.
before(async () => {
  const tarball = await pack(work, true);
  files = await tarballFiles(tarball);
  mkdirSync(consumer);
  await installConsumer(tarball, consumer);
  typeError = await typeCheck(consumer).then(
    () => undefined,
    (error: unknown) => error,
  );
  server = await startDemoServer({ interval: 0.05 });
  // npm pack, an offline install and two tsc runs: 20-29 s on a loaded 2-core machine, past the
  // 30 s per-test limit that npm test sets against hangs, so this one setup gets its own.
}, { timeout: 180_000 });

after(async () => {
  await server.close();
  rmSync(work, { recursive: true, force: true });
});

test('dg:ship:files the tarball holds the built library, its types, the CLI, the sources, README, LICENSE and CHANGELOG, and no tests', () => {
  assert.deepEqual(tarballProblems(files), []);
  assert.ok(files.some((file) => file.startsWith('dist/lib/device/') && file.endsWith('.d.ts')));
  assert.ok(!files.some((file) => file.startsWith('dist/conformance/')));
  // The checker itself sees what it must refuse.
  assert.deepEqual(tarballProblems(['dist/conformance/x.js', 'lib/a.test.ts', ...files.filter((file) => file !== 'LICENSE')]), [
    'missing LICENSE',
    'a test: dist/conformance/x.js',
    'a test: lib/a.test.ts',
  ]);
});

test('dg:ship:files the license is MIT, as package.json says, with the authors named; pack and git-URL installs build first', () => {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { license: string; scripts: Record<string, string> };
  assert.equal(manifest.license, 'MIT');
  const license = readFileSync(join(ROOT, 'LICENSE'), 'utf8');
  assert.match(license, /^MIT License\n\nCopyright \(c\) \d{4} the device-grant authors\n/);
  // npm pack from a clean checkout must build first: dist/ is not in git.
  assert.match(manifest.scripts['prepack'] ?? '', /rmSync\('dist'.*&& npm run build$/);
  // An install from a git URL runs only prepare: it builds when there is no dist/lib yet.
  assert.match(manifest.scripts['prepare'] ?? '', /existsSync\('dist\/lib\/index\.js'\).*\|\| npm run build$/);
});

test('dg:ship:consumer-types the installed package type-checks under module nodenext and moduleResolution bundler, with skipLibCheck false', async () => {
  assert.equal(typeError, undefined);
  const nodenext = JSON.parse(readFileSync(join(consumer, 'tsconfig.nodenext.json'), 'utf8')) as { compilerOptions: Record<string, unknown> };
  const bundler = JSON.parse(readFileSync(join(consumer, 'tsconfig.bundler.json'), 'utf8')) as { compilerOptions: Record<string, unknown> };
  assert.equal(nodenext.compilerOptions['module'], 'nodenext');
  assert.equal(bundler.compilerOptions['moduleResolution'], 'bundler');
  assert.equal(nodenext.compilerOptions['skipLibCheck'], false);
  assert.equal(bundler.compilerOptions['skipLibCheck'], false);
});

test('dg:ship:consumer-flow an import of the installed package runs a whole flow against the demo server', { timeout: 60_000 }, async () => {
  // out/flow.js was emitted by the nodenext type check.
  assert.match(await runFlow(consumer, server.url.origin), /^OK token_type bearer, QR version \d+$/);
  const approved = [...server.server.grants.values()].filter((grant) => grant.status !== 'pending');
  assert.ok(approved.length >= 1, 'the demo server saw the flow');
});

test('dg:ship:bin `device-grant --help` runs from node_modules/.bin of the consumer and prints the usage', async () => {
  assert.equal(await binHelp(consumer), USAGE);
});

test('dg:ship:readme-types every ```ts block of the README type-checks against the installed package', async () => {
  const blocks = readmeTsBlocks();
  assert.ok(blocks.length >= 1, 'the README has ```ts blocks');
  assert.ok(blocks.every((block) => block.includes("from 'device-grant")), 'each block imports the package by name, as a user would');
  // installConsumer wrote one readme-N.ts per block; the type check compiled each (out/readme-N.js).
  assert.equal(typeError, undefined);
  blocks.forEach((_, index) => assert.ok(existsSync(join(consumer, `out/readme-${index + 1}.js`)), `README block ${index + 1} was compiled`));
  assert.deepEqual(readmeTsBlocks('text\n```ts\nconst a = 1;\n```\n```sh\nls\n```\n'), ['const a = 1;\n']);
});

/** The JSDoc comment right above `export … name`, or '' when there is none. */
function jsdocOf(source: string, name: string): string {
  const declaration = new RegExp(`\\*/\\n(?:export (?:async )?(?:function|class|const) ${name}\\b)`).exec(source);
  if (declaration === null) return '';
  const start = source.lastIndexOf('/**', declaration.index);
  return source.slice(start, declaration.index + 2);
}

test('dg:ship:jsdoc-examples the main exports have an @example in their JSDoc, and every @example type-checks against the installed package', () => {
  const mains: Array<[string, string]> = [
    ['lib/discovery/discovery.ts', 'discovery'],
    ['lib/device/device-authorization.ts', 'initiateDeviceAuthorization'],
    ['lib/device/polling-driver.ts', 'pollDeviceAuthorizationGrant'],
    ['lib/device/polling-driver.ts', 'resumeDeviceAuthorizationGrant'],
    ['lib/oauth/configuration.ts', 'Configuration'],
    ['lib/http/http.ts', 'customFetch'],
  ];
  for (const [file, name] of mains) {
    const examples = jsdocExamples(jsdocOf(readFileSync(join(ROOT, file), 'utf8'), name));
    assert.equal(examples.length, 1, `${name} in ${file} has one @example`);
    assert.match(examples[0] ?? '', new RegExp(`import \\{[^}]*\\b${name}\\b[^}]*\\} from 'device-grant';`), `${name}'s example imports it by the package name`);
  }
  const all = libExamples();
  assert.ok(all.length >= mains.length);
  assert.equal(typeError, undefined);
  all.forEach((_, index) => assert.ok(existsSync(join(consumer, `out/example-${index + 1}.js`)), `example ${index + 1} was compiled`));
  assert.deepEqual(jsdocExamples('/**\n * @example\n * ```ts\n * const a = 1;\n *\n * ```\n */'), ['const a = 1;\n\n']);
});

// Vendoring: lib/ less lib/cli/, copied into another project, runs as TypeScript source with no
// build on runtimes that strip types. conformance/portability/check.sh proves it on Node 24,
// Deno 2, Bun 1 and workerd; here, the rules that make it possible, and a run on this Node when
// it can strip types.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

function filesUnder(dir: string, suffix: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(path, suffix);
    return entry.name.endsWith(suffix) ? [path] : [];
  });
}

/** The module specifiers of static imports and re-exports (`from '…'`) in a source text, comments (JSDoc examples) left out. */
function specifiers(code: string): string[] {
  const uncommented = code.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
  return [...uncommented.matchAll(/\bfrom\s+'([^']+)'/g)].map((match) => match[1] ?? '');
}

test('dg:ship:vendorable every relative import in lib/ names a sibling .ts file that exists, and the core needs nothing outside itself', () => {
  const sources = filesUnder(join(root, 'lib'), '.ts');
  assert.ok(sources.length > 30);
  let relativeImports = 0;
  for (const file of sources) {
    const core = !relative(join(root, 'lib'), file).startsWith('cli');
    for (const specifier of specifiers(readFileSync(file, 'utf8'))) {
      if (specifier.startsWith('node:')) continue; // lib/cli only: dg:runtime:web-standard checks the core
      relativeImports++;
      assert.match(specifier, /^\.\.?\/.*\.ts$/, `${file} imports ${specifier}`);
      const target = resolve(dirname(file), specifier);
      assert.ok(existsSync(target), `${file} imports ${specifier}, which does not exist`);
      // Copying lib/ less cli/ must be enough: the core reaches neither lib/cli/ nor anything outside lib/.
      if (core) assert.ok(target.startsWith(join(root, 'lib')) && !target.startsWith(join(root, 'lib', 'cli')), `${file} imports ${specifier}`);
    }
  }
  assert.ok(relativeImports > 50, 'the scan found the imports');
});

test('dg:ship:vendorable tsc rewrites the .ts specifiers: the emitted JavaScript imports .js files that exist, and lib/ may hold only erasable syntax', () => {
  const base = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8')) as { compilerOptions: Record<string, unknown> };
  assert.equal(base.compilerOptions['rewriteRelativeImportExtensions'], true);
  // No enums, namespaces, parameter properties or import =: a runtime that only strips types can run lib/.
  assert.equal(base.compilerOptions['erasableSyntaxOnly'], true);
  assert.equal(base.compilerOptions['verbatimModuleSyntax'], true);
  const emitted = filesUnder(join(root, 'dist', 'lib'), '.js');
  assert.ok(emitted.length > 30);
  for (const file of emitted) {
    for (const specifier of specifiers(readFileSync(file, 'utf8'))) {
      if (specifier.startsWith('node:')) continue;
      assert.match(specifier, /^\.\.?\/.*\.js$/, `${file} imports ${specifier}`);
      assert.ok(existsSync(resolve(dirname(file), specifier)), `${file} imports ${specifier}, which does not exist`);
    }
  }
});

/** Whether this Node strips TypeScript types (Node >= 22.6 with the flag; on by default from 22.18). */
function canStripTypes(): boolean {
  return spawnSync(process.execPath, ['--experimental-strip-types', '--input-type=module', '-e', ''], { stdio: 'ignore' }).status === 0;
}

/**
 * A scratch project holding what the README's "Vendoring" section says to copy (lib/ less cli/,
 * as device-grant/) and the portable flow importing its index.ts. Removed after the test.
 */
function vendoredProject(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'device-grant-vendored-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(join(root, 'lib'), join(dir, 'device-grant'), { recursive: true, filter: (source) => !source.startsWith(join(root, 'lib', 'cli')) });
  const flow = readFileSync(join(root, 'conformance', 'portability', 'flow.ts'), 'utf8');
  writeFileSync(join(dir, 'flow.ts'), flow.replace("'../../lib/index.js'", "'./device-grant/index.ts'"));
  writeFileSync(join(dir, 'main.ts'), "import { runPortableFlow } from './flow.ts';\nconsole.log(await runPortableFlow());\n");
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  assert.ok(!existsSync(join(dir, 'device-grant', 'cli')));
  return dir;
}

/** Runs node in `dir`; the copy is not lib/, so its coverage would only confuse c8. */
function node(dir: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const env = { ...process.env };
  delete env['NODE_V8_COVERAGE'];
  return spawnSync(process.execPath, args, { cwd: dir, env, encoding: 'utf8' });
}

test('dg:ship:vendorable lib/ less cli/, copied into another folder, runs a whole flow from its index.ts with no build', (t) => {
  if (!canStripTypes()) {
    t.skip(`Node ${process.version} cannot strip types (Node >= 22.18 can); conformance/portability/check.sh proves this on Node 24, Deno 2 and Bun 1`);
    return;
  }
  const result = node(vendoredProject(t), ['--experimental-strip-types', '--no-warnings', 'main.ts']);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout, 'OK 3 polls, token_type bearer, expiresIn 60\n');
});

test('dg:ship:vendorable the copy compiles in another project with the tsconfig the README gives (rewriteRelativeImportExtensions, DOM and DOM.Iterable, strict), and the output runs a flow', (t) => {
  const dir = vendoredProject(t);
  const tsconfig = {
    compilerOptions: {
      target: 'ES2022',
      module: 'nodenext',
      lib: ['ES2022', 'DOM', 'DOM.Iterable'],
      types: [],
      strict: true,
      rewriteRelativeImportExtensions: true,
      skipLibCheck: true, // the copy is what is checked here, not TypeScript's own lib.dom.d.ts (saves seconds)
      outDir: 'out',
    },
    include: ['main.ts', 'flow.ts'],
  };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
  const tsc = node(dir, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.']);
  assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr);
  const result = node(dir, ['out/main.js']);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout, 'OK 3 polls, token_type bearer, expiresIn 60\n');
});

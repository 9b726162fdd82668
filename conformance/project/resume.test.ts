// Resume across processes (dg:polling:resume-no-early, dg:polling:state-json): a child process
// (resume-child.js) starts a flow against the conformance server over loopback HTTP, saves its
// state through onState, and is killed with SIGKILL; the flow is then resumed from the saved file,
// in a new child process or in this one. Real time, interval 0.2 s, lower bounds with a 100 ms
// tolerance; the server also answers slow_down to any early poll.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Configuration, None, allowInsecureRequests, resumeDeviceAuthorizationGrant, type PollingState } from '../../lib/index.js';
import { createAuthorizationServer } from '../server/authorization-server.js';
import { listen } from '../server/listen.js';

const TOLERANCE = 100;
const INTERVAL = 0.2;
const CLIENT = 'resume-client';
const CHILD = fileURLToPath(new URL('./resume-child.js', import.meta.url));

interface Child {
  process: ChildProcess;
  /** Resolves with each JSON line the child prints, in order. */
  line(): Promise<Record<string, unknown>>;
  exited: Promise<number | null>;
}

function child(mode: 'start' | 'resume', url: URL, stateFile: string): Child {
  const proc = spawn(process.execPath, [CHILD, mode, url.href, CLIENT, stateFile], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  const waiters: Array<(line: string) => void> = [];
  let buffer = '';
  proc.stdout!.setEncoding('utf8');
  proc.stdout!.on('data', (chunk: string) => {
    buffer += chunk;
    for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 1);
      const waiter = waiters.shift();
      if (waiter) waiter(line);
      else lines.push(line);
    }
  });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return {
    process: proc,
    exited,
    line: () => {
      const ready = lines.shift();
      const text = ready !== undefined ? Promise.resolve(ready) : new Promise<string>((resolve) => waiters.push(resolve));
      return text.then((t) => JSON.parse(t) as Record<string, unknown>);
    },
  };
}

/** Reads the state file until `accept` says yes (checked every 2 ms, for at most 10 s). */
async function stateWhen(file: string, accept: (state: PollingState) => boolean): Promise<PollingState> {
  const until = Date.now() + 10_000;
  while (Date.now() < until) {
    if (existsSync(file)) {
      const state = JSON.parse(readFileSync(file, 'utf8')) as PollingState;
      if (accept(state)) return state;
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  throw new Error('the child never reached the expected state');
}

async function until(condition: () => boolean): Promise<void> {
  const limit = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > limit) throw new Error('condition never became true');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

async function fixture() {
  const server = createAuthorizationServer({ interval: INTERVAL, expiresIn: 30, clients: [{ clientId: CLIENT, authMethod: 'none' }] });
  const listening = await listen(server);
  const dir = mkdtempSync(join(tmpdir(), 'device-grant-resume-'));
  const stateFile = join(dir, 'state.json');
  const cleanup = async (): Promise<void> => {
    await listening.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return { server, url: listening.url, stateFile, cleanup };
}

test('dg:polling:resume-no-early dg:polling:state-json a flow killed (SIGKILL) in the middle of a wait resumes in a new process from the saved state and never polls early', async () => {
  const { server, url, stateFile, cleanup } = await fixture();
  try {
    const first = child('start', url, stateFile);
    const { user_code } = (await first.line()) as { user_code: string };
    const saved = await stateWhen(stateFile, (s) => s.phase === 'waiting' && s.polls >= 2);
    first.process.kill('SIGKILL');
    assert.equal(await first.exited, null, 'killed, not finished');
    const killedAt = Date.now();
    const before = server.requests.filter((q) => q.endpoint === 'token').length;
    assert.ok(before >= 2);
    assert.ok(server.approve(user_code));

    const second = child('resume', url, stateFile);
    const result = await second.line();
    assert.equal(await second.exited, 0, JSON.stringify(result));
    assert.equal(typeof result['access_token'], 'string');
    assert.equal(result['token_type'], 'bearer');

    const requests = server.requests.filter((q) => q.endpoint === 'token');
    assert.ok(requests.length > before, 'the resumed process polled');
    const times = requests.map((q) => q.time);
    for (let i = 1; i < times.length; i++) assert.ok(times[i]! - times[i - 1]! >= INTERVAL * 1000 - TOLERANCE, `gap ${i}: ${times[i]! - times[i - 1]!}`);
    // The first resumed request is no earlier than the wake-up time the dead process had planned.
    assert.ok(times[before]! >= saved.wakeAt - 1, `${times[before]! - saved.wakeAt}`);
    assert.ok(times[before]! >= killedAt - TOLERANCE);
    const grant = [...server.grants.values()][0]!;
    assert.equal(grant.status, 'redeemed');
    assert.equal(grant.interval, INTERVAL, 'the server never had to answer slow_down');
    // Every state the resumed process saved was JSON, in a phase the machine knows.
    const last = JSON.parse(readFileSync(stateFile, 'utf8')) as PollingState;
    assert.equal(last.phase, 'done');
    assert.equal(last.device_code, saved.device_code);
  } finally {
    await cleanup();
  }
});

test('dg:polling:resume-no-early a flow killed while a request was in flight (phase requesting) resumes a full interval after that request was sent', async () => {
  const { server, url, stateFile, cleanup } = await fixture();
  try {
    // The first poll is pending; the second never gets an answer: the process dies with it in
    // flight. Queued before the start, so no timing on a loaded machine can move them.
    server.injectFaults({ kind: 'json', status: 400, body: { error: 'authorization_pending' } }, { kind: 'hang' });
    const first = child('start', url, stateFile);
    const { user_code } = (await first.line()) as { user_code: string };
    const saved = await stateWhen(stateFile, (s) => s.phase === 'requesting' && s.polls === 2);
    // onState runs before the request leaves: kill only once the server holds the hung request.
    await until(() => server.requests.filter((q) => q.endpoint === 'token').length === 2);
    first.process.kill('SIGKILL');
    await first.exited;
    assert.ok(saved.sentAt !== undefined);
    assert.ok(server.approve(user_code));

    // Resumed in this process, straight away.
    const config = new Configuration(
      { issuer: server.issuer, token_endpoint: `${server.issuer}/token`, device_authorization_endpoint: `${server.issuer}/device_authorization` },
      CLIENT,
      undefined,
      None(),
    );
    allowInsecureRequests(config);
    const states: PollingState[] = [];
    const token = await resumeDeviceAuthorizationGrant(config, JSON.parse(readFileSync(stateFile, 'utf8')) as PollingState, undefined, {
      onState: (s) => states.push(s),
    });
    assert.equal(typeof token.access_token, 'string');

    const times = server.requests.filter((q) => q.endpoint === 'token').map((q) => q.time);
    assert.equal(times.length, 3, 'pending, the lost request, the resumed one');
    // The resumed request waited a full interval from the lost request.
    assert.ok(times[2]! >= saved.sentAt + INTERVAL * 1000 - 1, `${times[2]! - saved.sentAt}`);
    assert.ok(times[2]! - times[1]! >= INTERVAL * 1000 - TOLERANCE);
    assert.equal(states[0]?.phase, 'waiting');
    assert.equal(states.at(-1)?.phase, 'done');
    assert.equal(states.at(-1)?.polls, 3);
  } finally {
    await cleanup();
  }
});

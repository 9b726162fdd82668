// `npm run demo`: the whole device flow on one machine. It starts the conformance authorization
// server on a loopback port (1 s polling interval), runs the device-grant CLI against it, and
// plays the user: about 3 s after the code appears, it opens the verification page and presses
// Approve, over HTTP, as a browser would. `--manual` leaves that to a person with a browser.
// `--dpop` makes it a DPoP-bound login (RFC 9449): the server demands a nonce on the first poll.
//
//   node dist/conformance/demo/run.js [--manual] [--dpop]
import { pathToFileURL } from 'node:url';
import { main, type CliIO } from '../../lib/cli/main.js';
import { startDemoServer, type DemoServer } from '../server/main.js';

export interface DemoOptions {
  /** Wait for a person instead of the scripted user. */
  manual?: boolean;
  /** Polling interval the server asks for, seconds (default 1). */
  interval?: number;
  /** How long the scripted user takes to approve once the code is shown, ms (default 3000). */
  approveAfterMs?: number;
  /** Lifetime of the codes, seconds (default 60, or 600 with `manual`). */
  expiresIn?: number;
  /** A DPoP-bound login: the CLI runs with --dpop, the server requires proofs and demands a nonce. */
  dpop?: boolean;
}

const wait = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

/** The scripted user: reads the code once it is issued, waits, then approves in the "browser". */
async function scriptedUser(demo: DemoServer, io: CliIO, delayMs: number, signal: AbortSignal): Promise<void> {
  let userCode: string | undefined;
  while (userCode === undefined && !signal.aborted) {
    userCode = [...demo.server.grants.values()].find((grant) => grant.status === 'pending')?.userCode;
    if (userCode === undefined) await wait(25, signal);
  }
  await wait(delayMs, signal);
  if (signal.aborted || userCode === undefined) return;
  const page = new URL('/device', demo.url);
  // What a browser does: open the verification_uri_complete, then submit the form with Approve.
  await fetch(`${page.href}?user_code=${encodeURIComponent(userCode)}`, { signal }).then((r) => r.text());
  const form = new URLSearchParams({ user_code: userCode, action: 'approve' });
  const response = await fetch(page, { method: 'POST', body: form, signal });
  await response.text();
  const clear = io.stderr.isTTY === true ? '\r\x1b[2K' : '';
  io.stderr.write(`${clear}[demo] the user opened ${page.href}, typed ${userCode} and pressed Approve (HTTP ${response.status})\n`);
}

/** Runs the demo and resolves to the CLI's exit code. */
export async function runDemo(io: CliIO, options: DemoOptions = {}): Promise<number> {
  const manual = options.manual === true;
  const dpop = options.dpop === true;
  const demo = await startDemoServer({
    interval: options.interval ?? 1,
    expiresIn: options.expiresIn ?? (manual ? 600 : 60),
    ...(dpop && { dpop: { nonce: 'required', required: true } }),
  });
  const issuer = demo.url.origin;
  const stopUser = new AbortController();
  io.stderr.write(`[demo] authorization server: ${issuer} (client demo-public, polling interval ${options.interval ?? 1} s)\n`);
  if (manual) {
    // The server listens on loopback, so the CLI below also says "a browser on this machine".
    io.stderr.write(`[demo] open ${issuer}/device in a browser on this machine, enter the code shown below, then Approve or Deny.\n\n`);
  } else {
    io.stderr.write('[demo] a scripted user will approve about 3 s after the code appears (use --manual to do it yourself)\n\n');
  }
  if (dpop) io.stderr.write('[demo] DPoP: every token request carries a proof, and the server demands a nonce on the first poll\n\n');
  const user = manual ? Promise.resolve() : scriptedUser(demo, io, options.approveAfterMs ?? 3000, stopUser.signal);
  const userDone = user.catch((error: unknown) => {
    if (!stopUser.signal.aborted) io.stderr.write(`[demo] the scripted user failed: ${String(error)}\n`);
  });
  try {
    const args = ['--issuer', issuer, '--client-id', 'demo-public', '--insecure', '--json', ...(dpop ? ['--dpop'] : [])];
    const code = await main(manual ? [...args, '--qr'] : args, io);
    if (dpop) io.stderr.write(`[demo] DPoP: ${demo.server.dpop.accepted} proofs accepted, ${demo.server.dpop.nonceDemands} nonce demand(s), ${demo.server.dpop.boundTokens.size} token(s) bound to the key\n`);
    return code;
  } finally {
    stopUser.abort();
    await userDone;
    await demo.close();
  }
}

async function runProcess(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.some((arg) => arg !== '--manual' && arg !== '--dpop')) {
    console.error('usage: npm run demo [-- --manual] [--dpop]');
    process.exitCode = 2;
    return;
  }
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort(new Error('interrupted')));
  const io: CliIO = { stdout: process.stdout, stderr: process.stderr, env: process.env, signal: controller.signal };
  process.exitCode = await runDemo(io, { manual: args.includes('--manual'), dpop: args.includes('--dpop') });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  void runProcess();
}

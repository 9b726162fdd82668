// A runnable RFC 8628 authorization server for the demo:
//   node dist/conformance/server/main.js [--port N] [--host H] [--interval S] [--expires-in S] [--log] [--dpop]
// The first stdout line is `issuer: http://127.0.0.1:PORT`.
import { pathToFileURL } from 'node:url';
import { createAuthorizationServer, demoClients } from './authorization-server.js';
import { listen } from './listen.js';
import type { DPoPServerOptions } from './dpop.js';
import type { AuthorizationServer } from './types.js';

export interface DemoServerOptions {
  host?: string;
  port?: number;
  /** Polling interval in seconds (default 5). */
  interval?: number;
  /** device_code lifetime in seconds (default 600). */
  expiresIn?: number;
  /** true logs request lines to stderr; a function receives them instead. */
  log?: boolean | ((line: string) => void);
  /** DPoP at the token endpoint (RFC 9449), e.g. `{ nonce: 'required' }`. */
  dpop?: DPoPServerOptions;
}

export interface DemoServer {
  url: URL;
  server: AuthorizationServer;
  close(): Promise<void>;
}

export async function startDemoServer(options: DemoServerOptions = {}): Promise<DemoServer> {
  const log = options.log === true ? (line: string) => console.error(line) : options.log || undefined;
  const server = createAuthorizationServer({
    ...(options.interval !== undefined && { interval: options.interval }),
    ...(options.expiresIn !== undefined && { expiresIn: options.expiresIn }),
    ...(log && { log }),
    ...(options.dpop !== undefined && { dpop: options.dpop }),
  });
  const listening = await listen(server, {
    ...(options.host !== undefined && { host: options.host }),
    ...(options.port !== undefined && { port: options.port }),
  });
  return { url: listening.url, server, close: listening.close };
}

function parseArgs(argv: string[]): DemoServerOptions {
  const options: DemoServerOptions = {};
  const number = (flag: string, value: string | undefined): number => {
    if (value === undefined || !/^\d+(\.\d+)?$/.test(value)) throw new Error(`${flag} needs a non-negative number`);
    return Number(value);
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--port') options.port = number(flag, argv[++i]);
    else if (flag === '--host') options.host = argv[++i] ?? '127.0.0.1';
    else if (flag === '--interval') options.interval = number(flag, argv[++i]);
    else if (flag === '--expires-in') options.expiresIn = number(flag, argv[++i]);
    else if (flag === '--log') options.log = true;
    else if (flag === '--dpop') options.dpop = { nonce: 'required' }; // RFC 9449: a nonce demanded on the first poll
    else throw new Error(`unknown argument: ${flag}`);
  }
  return options;
}

async function main(): Promise<void> {
  let options: DemoServerOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\nusage: main.js [--port N] [--host H] [--interval S] [--expires-in S] [--log] [--dpop]`);
    process.exitCode = 2;
    return;
  }
  const demo = await startDemoServer(options);
  const issuer = demo.server.issuer;
  console.log(`issuer: ${issuer}`);
  console.log(`discovery: ${issuer}/.well-known/openid-configuration`);
  console.log(`verification page: ${issuer}/device`);
  console.log('clients:');
  for (const client of demoClients) {
    const secret = client.clientSecret === undefined ? '' : `  secret: ${client.clientSecret}`;
    console.log(`  ${client.clientId}  (${client.authMethod})${secret}`);
  }
  const stop = (): void => {
    void demo.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  void main();
}

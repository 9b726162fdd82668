// Mount an authorization server's handler on node:http (loopback by default).
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { AuthorizationServer } from './types.js';

export interface ListenOptions {
  host?: string;
  port?: number;
}

export interface Listening {
  /** The base URL, e.g. http://127.0.0.1:PORT */
  url: URL;
  /** Stop listening and drop every connection, including hung ones. */
  close(): Promise<void>;
}

const BODY_LIMIT = 1024 * 1024; // 1 MiB

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > BODY_LIMIT) {
        resolve(undefined);
        req.pause();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function lowerCaseHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  // Node already lower-cases names; repeated fields arrive as arrays.
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

async function serve(server: AuthorizationServer, base: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req);
  if (body === undefined) {
    res.writeHead(413, { 'content-type': 'application/json', connection: 'close' });
    res.end('{"error":"invalid_request","error_description":"body too large"}');
    return;
  }
  // Origin-form targets only: '//host/x' stays a path, never a new authority.
  const target = (req.url ?? '/').startsWith('/') ? (req.url ?? '/') : `/${req.url ?? ''}`;
  const url = `${base.origin}${target}`;
  const reply = await server.handle({ method: req.method ?? 'GET', url, headers: lowerCaseHeaders(req), body });
  if ('fault' in reply) {
    if (reply.fault === 'reset') req.socket.resetAndDestroy(); // TCP RST: the client sees a network error
    return; // 'hang': never answer; close() destroys the socket
  }
  const headers = { ...reply.headers };
  // A length up front (a `raw` fault may set its own, even a wrong one).
  const bodyless = reply.status === 204 || reply.status === 304 || reply.status < 200; // RFC 9110 §8.6
  if (!bodyless && !Object.keys(headers).some((name) => name.toLowerCase() === 'content-length')) {
    headers['content-length'] = String(Buffer.byteLength(reply.body));
  }
  try {
    res.writeHead(reply.status, headers);
    res.end(reply.body);
  } catch {
    res.destroy(); // e.g. a status or header value node refuses to send
  }
}

export function listen(server: AuthorizationServer, { host = '127.0.0.1', port = 0 }: ListenOptions = {}): Promise<Listening> {
  const sockets = new Set<Socket>();
  let base = new URL('http://127.0.0.1/');
  const http = createServer((req, res) => {
    serve(server, base, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"error":"server_error"}');
    });
  });
  http.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return new Promise((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, () => {
      http.off('error', reject);
      const address = http.address();
      const actualPort = typeof address === 'object' && address ? address.port : port;
      const hostPart = host.includes(':') ? `[${host}]` : host;
      base = new URL(`http://${hostPart}:${actualPort}`);
      if (!server.issuer) server.issuer = base.origin;
      resolve({
        url: base,
        close: () =>
          new Promise<void>((done) => {
            http.close(() => done());
            for (const socket of sockets) socket.destroy();
          }),
      });
    });
  });
}

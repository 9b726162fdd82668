// Child process for conformance/project/resume.test.ts: a device-flow client that saves its
// polling state through onState, so that the parent can kill it (SIGKILL) and resume elsewhere.
//
//   node resume-child.js start  <server-url> <client-id> <state-file>
//     starts a flow, prints {"user_code": …} on stdout, then polls, writing every state atomically.
//   node resume-child.js resume <server-url> <client-id> <state-file>
//     resumes from the saved state and prints {"access_token": …, "token_type": …} or {"error": code}.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import {
  Configuration,
  None,
  allowInsecureRequests,
  initiateDeviceAuthorization,
  pollDeviceAuthorizationGrant,
  resumeDeviceAuthorizationGrant,
  type PollingState,
} from '../../lib/index.js';

const [mode, url, clientId, stateFile] = process.argv.slice(2);
if ((mode !== 'start' && mode !== 'resume') || !url || !clientId || !stateFile) {
  process.stderr.write('usage: resume-child.js start|resume <server-url> <client-id> <state-file>\n');
  process.exit(2);
}

const base = url.replace(/\/+$/, '');
const config = new Configuration(
  { issuer: base, token_endpoint: `${base}/token`, device_authorization_endpoint: `${base}/device_authorization` },
  clientId,
  undefined,
  None(),
);
allowInsecureRequests(config);

/** Written to a temporary file, then renamed: the parent never reads half a state. */
function save(state: PollingState): void {
  writeFileSync(`${stateFile}.tmp`, JSON.stringify(state));
  renameSync(`${stateFile}.tmp`, stateFile!);
}

const print = (value: unknown): void => void process.stdout.write(`${JSON.stringify(value)}\n`);

try {
  const token =
    mode === 'start'
      ? await (async () => {
          const device = await initiateDeviceAuthorization(config);
          print({ user_code: device.user_code });
          return pollDeviceAuthorizationGrant(config, device, undefined, { onState: save });
        })()
      : await resumeDeviceAuthorizationGrant(config, JSON.parse(readFileSync(stateFile, 'utf8')) as PollingState, undefined, { onState: save });
  print({ access_token: token.access_token, token_type: token.token_type });
} catch (error) {
  print({ error: (error as { code?: string }).code ?? String(error) });
  process.exitCode = 1;
}

/**
 * The fault lab: one listening port per scenario, on loopback unless told otherwise. Used by
 * `connreset lab` (long-running, for people testing their own clients), by `connreset demo` and
 * by the integration tests (ephemeral ports).
 */
import { createServer, type Server, type Socket } from 'node:net';
import { createSecureContext, TLSSocket, type SecureContext } from 'node:tls';
import { UsageError } from '../errors.js';
import { HANDLERS, type HandlerEnv } from './handlers.js';
import { makeLabCertificate } from './certificate.js';
import { SCENARIOS, type Scenario, type Transport } from './scenarios.js';
import { LAB_DEFAULTS } from './defaults.js';

export { LAB_DEFAULTS } from './defaults.js';

export interface LabOptions {
  host?: string;
  /** port of the first scenario; each scenario listens on basePort + its offset. 0 = ephemeral ports */
  basePort?: number;
  idleAfterMs?: number;
  trickleIntervalMs?: number;
  /** run only these scenarios (default: all) */
  only?: readonly string[];
}

export interface RunningScenario {
  name: string;
  port: number;
  /** whether clients of this port are meant to speak TLS */
  tls: boolean;
  description: string;
  /** what to probe, e.g. 'http://127.0.0.1:7103' */
  target: string;
  scenario: Scenario;
}

export interface Lab {
  host: string;
  idleAfterMs: number;
  /**
   * The PEM certificate of the TLS scenarios (self-signed, made at start-up; null without TLS
   * scenarios): what a client trusts to verify them, as the demo does (the key never leaves memory).
   */
  certificate: string | null;
  scenarios: RunningScenario[];
  /** connections the lab holds open now */
  openConnections(): number;
  /** resolves once the lab holds no connection (at once if it holds none): for tests that count descriptors */
  settled(): Promise<void>;
  close(): Promise<void>;
}

const TLS_SCHEMES: ReadonlySet<Scenario['scheme']> = new Set(['https']);

export async function startLab(options: LabOptions = {}): Promise<Lab> {
  const host = options.host ?? LAB_DEFAULTS.host;
  const basePort = options.basePort ?? LAB_DEFAULTS.basePort;
  const idleAfterMs = options.idleAfterMs ?? LAB_DEFAULTS.idleAfterMs;
  const trickleIntervalMs = options.trickleIntervalMs ?? LAB_DEFAULTS.trickleIntervalMs;
  const chosen = options.only ? SCENARIOS.filter((s) => options.only!.includes(s.name)) : SCENARIOS;

  const { contexts, certificate } = await secureContexts(chosen);
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  const onSettled: (() => void)[] = [];
  const running: RunningScenario[] = [];
  const closeAll = async (): Promise<void> => {
    for (const socket of sockets) socket.destroy();
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  };

  try {
    for (const scenario of chosen) {
      const wanted = basePort === 0 ? 0 : basePort + scenario.offset;
      let port: number;
      if (scenario.handler === 'nothing-listening') {
        // take the port for a moment to be sure it is free (and to get one when ephemeral), then let go
        const probe = createServer();
        port = await listen(probe, host, wanted, scenario.name);
        await new Promise<void>((resolve) => probe.close(() => resolve()));
      } else {
        const server = createServer({ noDelay: true }, (raw) => {
          sockets.add(raw);
          raw.once('close', () => {
            sockets.delete(raw);
            if (sockets.size === 0) for (const resolve of onSettled.splice(0)) resolve();
          });
          accept(raw, scenario, { idleAfterMs, trickleIntervalMs, contexts });
        });
        servers.push(server);
        port = await listen(server, host, wanted, scenario.name);
      }
      running.push({
        name: scenario.name,
        port,
        tls: TLS_SCHEMES.has(scenario.scheme),
        description: scenario.description,
        target: `${scenario.scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`,
        scenario,
      });
    }
  } catch (error) {
    await closeAll();
    throw error;
  }

  let closing: Promise<void> | null = null;
  return {
    host,
    idleAfterMs,
    certificate,
    scenarios: running,
    openConnections: () => sockets.size,
    settled: () => (sockets.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => onSettled.push(resolve))),
    close: () => (closing ??= closeAll()),
  };
}

interface AcceptEnv {
  idleAfterMs: number;
  trickleIntervalMs: number;
  contexts: Readonly<Record<Transport, SecureContext | null>>;
}

function accept(raw: Socket, scenario: Scenario, env: AcceptEnv): void {
  raw.on('error', () => undefined); // clients reset us too; nothing to report
  if (scenario.handler === 'nothing-listening') return;
  const handlerEnv: HandlerEnv = {
    name: scenario.name,
    idleAfterMs: env.idleAfterMs,
    trickleIntervalMs: env.trickleIntervalMs,
    raw,
    secureContext: env.contexts.tls,
  };
  const handler = HANDLERS[scenario.handler];
  const context = env.contexts[scenario.transport];
  if (scenario.transport === 'tcp' || context === null) {
    handler(raw, handlerEnv);
    return;
  }
  const secure = new TLSSocket(raw, { isServer: true, secureContext: context });
  secure.on('error', () => raw.destroy()); // a failed handshake: the alert is already sent
  handler(secure, handlerEnv);
}

async function secureContexts(scenarios: readonly Scenario[]): Promise<{ contexts: Record<Transport, SecureContext | null>; certificate: string | null }> {
  const needsTls = scenarios.some((s) => s.transport !== 'tcp' || s.handler === 'tls-on-plain');
  if (!needsTls) return { contexts: { tcp: null, tls: null, 'tls-1.0-only': null }, certificate: null };
  const { key, cert } = await makeLabCertificate();
  return { certificate: cert, contexts: {
    tcp: null,
    tls: createSecureContext({ key, cert }),
    // OpenSSL 3 refuses TLS 1.0 at its default security level; level 0 lets this server offer it
    'tls-1.0-only': createSecureContext({ key, cert, minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' }),
  } };
}

function listen(server: Server, host: string, port: number, name: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      const reason = error.code === 'EADDRINUSE' ? 'is in use' : error.code === 'EADDRNOTAVAIL' ? 'is not an address of this machine' : `failed (${error.code ?? error.message})`;
      const where = error.code === 'EADDRNOTAVAIL' ? host : `${host}:${port}`;
      reject(new UsageError(`lab: cannot listen on ${where} for scenario ${name}: it ${reason}`, error.code === 'EADDRINUSE' ? 'choose another base with --port, or --port 0 for ephemeral ports' : undefined));
    };
    server.once('error', onError);
    server.listen({ host, port, exclusive: true }, () => {
      server.removeListener('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}

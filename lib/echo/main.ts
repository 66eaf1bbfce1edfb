// CLI for the hopscope echo server:
//   npm run echo -- --port 8080 [--host 0.0.0.0] [--tls-port 8443 --tls-cert cert.pem --tls-key key.pem]
// The port comes from --port, else $PORT, else 8080. The pod identity comes from the downward-API environment
// (POD_NAME, POD_NAMESPACE, POD_IP, NODE_NAME). Logs are JSON lines on stdout. Also bundled as echo.mjs.
import './node-require';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { startEchoServer } from './server';

const DEFAULT_PORT = 8080;

function portOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[0-9]{1,5}$/.test(value) || Number(value) > 65535) {
    throw new Error(`${name} must be a port number 0-65535, got "${value}"`);
  }
  return Number(value);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'tls-port': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
    },
    strict: true,
  });
  const env = process.env;
  const logger = pino({ base: { service: 'hopscope-echo' }, level: env.LOG_LEVEL ?? 'info' });
  const tlsPort = portOption('--tls-port', values['tls-port']);
  const hasTlsFiles = values['tls-cert'] !== undefined && values['tls-key'] !== undefined;
  if ((tlsPort !== undefined) !== hasTlsFiles) throw new Error('--tls-port needs both --tls-cert and --tls-key');

  const server = await startEchoServer({
    port: portOption('--port', values.port) ?? portOption('$PORT', env.PORT) ?? DEFAULT_PORT,
    host: values.host,
    ...(tlsPort !== undefined && hasTlsFiles
      ? { tlsPort, tls: { cert: readFileSync(values['tls-cert']!), key: readFileSync(values['tls-key']!) } }
      : {}),
    identity: {
      podName: env.POD_NAME ?? env.HOSTNAME ?? null,
      podNamespace: env.POD_NAMESPACE ?? null,
      podIp: env.POD_IP ?? null,
      nodeName: env.NODE_NAME ?? null,
    },
    logger,
  });

  // Graceful stop for Kubernetes: stop accepting, drop open connections (each lives at most a few seconds), exit.
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'echo stopping');
    void server.close().then(() => {
      logger.info('echo stopped');
      process.exit(0);
    });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(`hopscope echo: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

// CLI for the fixture API server:
//   tsx test/fixture-apiserver/main.ts --scenario scenarios/lab.yaml --port 6443 --host 192.0.2.5 \
//       --kubeconfig /run/lab/kubeconfig [--san 10.96.0.1] [--forbidden ipaddresspools.metallb.io] \
//       [--delay-ms 0] [--token T] [--context NAME] [--large 5000x20000]
// Prints one JSON line {"url", "kubeconfig", "context"} on stdout when it listens; stops on SIGINT/SIGTERM.
import { parseArgs } from 'node:util';
import { generateLargeScenario } from '@/lib/demo/large';
import { startFixtureApiServer } from './server';

const { values } = parseArgs({
  options: {
    scenario: { type: 'string' },
    large: { type: 'string' },
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    'advertise-host': { type: 'string' },
    san: { type: 'string', multiple: true, default: [] },
    kubeconfig: { type: 'string' },
    token: { type: 'string' },
    context: { type: 'string' },
    forbidden: { type: 'string', multiple: true, default: [] },
    'delay-ms': { type: 'string', default: '0' },
  },
  strict: true,
});

if (!values.scenario && !values.large) {
  console.error('usage: main.ts (--scenario <file> | --large <nodes>x<services>) [--port N] [--host H] [--kubeconfig OUT]');
  process.exit(2);
}

const largeSize = values.large ? /^(\d+)x(\d+)$/.exec(values.large) : null;
if (values.large && !largeSize) {
  console.error('--large takes <nodes>x<services>, e.g. 5000x20000');
  process.exit(2);
}

const server = await startFixtureApiServer({
  scenarioFile: values.scenario,
  objects: largeSize ? generateLargeScenario({ nodes: Number(largeSize[1]), services: Number(largeSize[2]) }).objects : [],
  port: Number(values.port),
  host: values.host,
  advertiseHost: values['advertise-host'],
  altNames: values.san,
  kubeconfigPath: values.kubeconfig,
  token: values.token,
  contextName: values.context,
  forbidden: values.forbidden.flatMap((f) => f.split(',')).filter(Boolean),
  delayMs: Number(values['delay-ms']),
});

console.log(JSON.stringify({ url: server.url, kubeconfig: server.kubeconfigPath, context: server.contextName }));

const stop = () => {
  server.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

// The layout worker: elkjs's own worker script, which installs the message handler elk-api talks to
// (lib/graph/elk-engine.ts). Started from load-elk.ts; nothing else belongs in here.
import 'elkjs/lib/elk-worker.min.js';

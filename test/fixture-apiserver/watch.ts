import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResourceType } from './resources';
import type { ChangeType, StoredObject } from './store';

// Watch fan-out: a watch answers ADDED for what it selects now, then stays open and gets each later change
// to a selected object as one JSON line, until the client hangs up or the server closes.

interface Watcher {
  resource: ResourceType;
  accepts: (object: StoredObject) => boolean;
  response: ServerResponse;
}

const event = (type: ChangeType, object: StoredObject) => JSON.stringify({ type, object }) + '\n';

export class Watches {
  private readonly watchers = new Set<Watcher>();

  open(watcher: Watcher, current: StoredObject[], request: IncomingMessage) {
    watcher.response.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    for (const object of current) watcher.response.write(event('ADDED', object));
    this.watchers.add(watcher);
    request.socket.on('close', () => this.watchers.delete(watcher));
  }

  readonly notify = (type: ChangeType, resource: ResourceType, object: StoredObject) => {
    for (const watcher of this.watchers) {
      if (watcher.resource === resource && watcher.accepts(object)) watcher.response.write(event(type, object));
    }
  };

  closeAll() {
    for (const watcher of this.watchers) watcher.response.end();
    this.watchers.clear();
  }
}

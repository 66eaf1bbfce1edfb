import 'server-only';
import pino from 'pino';
import { config } from './config';

// One structured logger for the dashboard server (JSON lines on stdout, as container platforms expect).
// Header values and addresses from the network are logged as data fields, never interpolated into messages.
let instance: pino.Logger | null = null;

export function log(): pino.Logger {
  instance ??= pino({ name: 'hopscope', level: config().logLevel });
  return instance;
}

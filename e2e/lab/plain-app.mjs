// A plain HTTP application for the lab (docs/lab.md#row-46): node:http, no PROXY protocol support, so a PROXY
// preamble in front of the request is a malformed request line to it.
import { createServer } from 'node:http';

const port = Number(process.argv[2] ?? 8080);
createServer((request, response) => {
  response.writeHead(200, { 'content-type': 'text/plain' });
  response.end(`plain app: ${request.method} ${request.url}\n`);
}).listen(port, '0.0.0.0');

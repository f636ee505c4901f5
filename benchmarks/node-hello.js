// Node's built-in http server answering every request with the same response as Soko's
// GET /hello: 200, Content-Type: text/plain; charset=utf-8, Content-Length: 5, body "hello".
// Usage: node benchmarks/node-hello.js [PORT]   (or PORT=...; default 8081). Binds 127.0.0.1.
'use strict';
const http = require('http');

const port = Number(process.argv[2] || process.env.PORT || 8081);
const host = process.env.HOST || '127.0.0.1';
const body = Buffer.from('hello');

const server = http.createServer((req, res) => {
  req.resume(); // drain any request body
  res.writeHead(200, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': body.length,
  });
  res.end(body);
});
// Same idle policy for both servers: keep connections open across a wrk run.
server.keepAliveTimeout = 60000;
server.headersTimeout = 65000;

server.listen(port, host, () => {
  console.log(JSON.stringify({ msg: 'node-hello listening', host, port }));
});

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

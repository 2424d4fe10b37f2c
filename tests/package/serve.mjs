// A static file server on loopback for the package tests: files under `root` with their
// MIME types (veto.wasm as application/wasm), and `routes` that answer fixed paths
// otherwise (a wrong Content-Type, an index page where veto.wasm should be). 404 else.
import {createReadStream, statSync} from 'node:fs';
import {createServer} from 'node:http';
import path from 'node:path';

const types = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.json': 'application/json', '.css': 'text/css',
};

/** Resolves to {url, close} once listening on 127.0.0.1. */
export async function serveStatic(root, routes = {}) {
  const server = createServer((req, res) => {
    const {pathname} = new URL(req.url, 'http://localhost');
    if (routes[pathname]) {
      const {type, file, body} = routes[pathname];
      res.writeHead(200, {'Content-Type': type});
      return file ? createReadStream(file).pipe(res) : res.end(body);
    }
    let file = path.join(root, decodeURIComponent(pathname));
    if (!file.startsWith(root + path.sep)) return res.writeHead(403).end();
    if (pathname.endsWith('/')) file = path.join(file, 'index.html');
    let stat;
    try {
      stat = statSync(file);
    } catch {
      return res.writeHead(404, {'Content-Type': 'text/plain'}).end('not found');
    }
    if (!stat.isFile()) return res.writeHead(404, {'Content-Type': 'text/plain'}).end('not found');
    res.writeHead(200, {'Content-Type': types[path.extname(file)] ?? 'application/octet-stream',
                        'Content-Length': stat.size});
    createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

// veto-server under slow, idle and non-reading clients (issue 17): the latency of a normal
// client (POST /api/validate from 127.0.0.1, one request after another) alone and during
// each attack, with the server's VmRSS. The attackers come from many loopback addresses
// (tests/server/attackers.mjs, shared with tests/server/connections.test.mjs). Figures,
// not pass/fail; prints a Markdown table.
//   VETO_SERVER=PATH VETO_DIST=DIR node bench/server-attack.mjs [SECONDS]
// The server runs with its default options (header 10 s, body 60 s, read 5 s, 16 threads)
// and --rate-limit 0.
import {dripHeaders, normalClient, openConnections, percentile, requestOnce, rssKiB}
  from '../tests/server/attackers.mjs';
import {serverBinary, startServer} from '../tests/server/server.mjs';

const seconds = Number(process.argv[2] ?? 4);
const rows = [];

async function scenario(name, attack) {
  const server = await startServer();
  const pid = server.proc.pid;
  let sockets = [];
  let row;
  try {
    await normalClient(server.url, 300);
    const rssBefore = rssKiB(pid);
    const started = Date.now();
    let stop = () => {};
    try {
      ({sockets, stop = () => {}} = await attack(server));
    } catch (error) {
      row = `| ${name} | attack could not be set up: ${error.message} |||||`;
    }
    if (!row) {
      const setup = Date.now() - started;
      const results = await normalClient(server.url, seconds * 1000);
      const rssDuring = rssKiB(pid);
      stop();
      const answered = results.filter((r) => r.status === 200);
      const times = results.map((r) => r.ms);
      row = `| ${name} | ${results.length} | ${answered.length} | ${percentile(times, 50).toFixed(1)} | ` +
            `${percentile(times, 99).toFixed(1)} | ${Math.max(...times).toFixed(1)} | ${rssBefore} → ${rssDuring} | ${setup} |`;
    }
  } finally {
    for (const socket of sockets) socket.destroy();
    await server.stop();
  }
  console.error(row);
  rows.push(row);
}

await scenario('no attack', async () => ({sockets: []}));
await scenario('2000 slow-header + 2000 idle keep-alive connections (200 addresses)', async (server) => {
  const slow = await openConnections(server.port, {count: 2000, group: 10, addresses: 200});
  const drip = dripHeaders(slow);
  const idle = await openConnections(server.port, {count: 2000, group: 10, addresses: 200});
  await requestOnce(idle);
  return {sockets: [...slow, ...idle], stop: drip.stop};
});
await scenario('1000 bodies at a byte a second (100 addresses)', async (server) => {
  const sockets = await openConnections(server.port, {count: 1000, group: 20, addresses: 100, onOpen: (socket) => {
    socket.write('POST /api/validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n');
  }});
  const drip = setInterval(() => { for (const s of sockets) if (!s.destroyed) s.write(' '); }, 1000);
  return {sockets, stop: () => clearInterval(drip)};
});
await scenario('32 clients never reading 5 × veto.wasm (32 addresses)', async (server) => {
  const requests = 'GET /veto.wasm HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(5);
  const sockets = await openConnections(server.port, {count: 32, group: 30, addresses: 32, onOpen: (socket) => {
    socket.pause();
    socket.write(requests);
  }});
  return {sockets};
});

console.log(`veto-server: \`${serverBinary}\`; normal client for ${seconds} s per row.\n`);
console.log('| attack | normal requests | answered (200) | p50 ms | p99 ms | max ms | server VmRSS KiB before → during | attack set-up ms |');
console.log('|---|---:|---:|---:|---:|---:|---|---:|');
for (const row of rows) console.log(row);
process.exit(0);

// Hostile and slow clients for the connection tests (connections.test.mjs) and for
// bench/server-attack.mjs: many connections from many loopback addresses (all of
// 127.0.0.0/8 is loopback on Linux), each doing as little as a client can, plus a normal
// client that times its requests, and the server's memory and descriptors from /proc.
import {readdirSync, readFileSync} from 'node:fs';
import net from 'node:net';

import {validForm} from './server.mjs';

// The server's resident memory in KiB and its open file descriptors.
export const rssKiB = (pid) =>
  Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
export const openFds = (pid) => readdirSync(`/proc/${pid}/fd`).length;
// The server's CPU time so far, in clock ticks (utime + stime of /proc/PID/stat).
const cpuTicks = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(fields[11]) + Number(fields[12]);
};

// Waits (at most `ms`) until the server has used no CPU for 200 ms: an attack's requests
// are all handled and what is left is waiting.
export async function quiet(pid, ms) {
  const until = Date.now() + ms;
  let before = cpuTicks(pid);
  while (Date.now() < until) {
    await new Promise((r) => setTimeout(r, 200));
    const now = cpuTicks(pid);
    if (now === before) return;
    before = now;
  }
}

// The n-th address of a group: 127.G.x.y, never 127.0.0.1 (the normal client's).
export const attackerAddress = (group, n) => `127.${group}.${1 + Math.floor(n / 250)}.${2 + (n % 250)}`;

// Opens `count` connections spread over `addresses` source addresses of `group`, `batch`
// at a time; each is handed to `onOpen(socket)` once connected. Resolves with the sockets.
// Errors (a reset from the server) end a socket quietly: the tests look at what arrived.
export async function openConnections(port, {count, group, addresses, onOpen = () => {}, batch = 200}) {
  const sockets = [];
  for (let start = 0; start < count; start += batch) {
    const opened = [];
    for (let i = start; i < Math.min(count, start + batch); i++) {
      opened.push(new Promise((resolve, reject) => {
        const socket = net.connect({port, host: '127.0.0.1', localAddress: attackerAddress(group, i % addresses)});
        socket.received = '';
        socket.on('error', (error) => { socket.failed = error.code; });
        socket.once('error', reject);
        const timer = setTimeout(() => reject(new Error(`no connection in 10 s (${i})`)), 10000);
        socket.on('connect', () => {
          clearTimeout(timer);
          socket.off('error', reject);
          onOpen(socket);
          resolve(socket);
        });
      }));
    }
    sockets.push(...await Promise.all(opened));
  }
  return sockets;
}

// Keeps every socket's request head open by sending one more header line a second.
export function dripHeaders(sockets) {
  for (const socket of sockets) socket.write('GET / HTTP/1.1\r\nHost: x\r\n');
  let tick = 0;
  const timer = setInterval(() => {
    // A tenth of the sockets every 100 ms: each gets a line a second.
    for (let i = tick % 10; i < sockets.length; i += 10) {
      if (!sockets[i].destroyed) sockets[i].write(`X-Slow-${tick}: ${i}\r\n`);
    }
    tick++;
  }, 100);
  return {stop: () => clearInterval(timer)};
}

// Sends one small request on each socket and resolves once every one has its answer (or
// after 15 s): the connections are then idle, kept alive by the server.
export function requestOnce(sockets) {
  return Promise.all(sockets.map((socket) => new Promise((resolve) => {
    setTimeout(resolve, 15000);
    socket.on('data', (d) => {
      socket.received += d.toString('latin1');
      if (/\r\n\r\n/.test(socket.received)) resolve();
    });
    socket.on('close', resolve);
    socket.write('GET /api/nothing HTTP/1.1\r\nHost: x\r\n\r\n');
  })));
}

// POST /api/validate from 127.0.0.1 one after another for `ms`; resolves with each
// request's status and time.
export async function normalClient(url, ms) {
  const results = [];
  const until = Date.now() + ms;
  const body = JSON.stringify(validForm());
  while (Date.now() < until) {
    const started = performance.now();
    try {
      const res = await fetch(url + 'api/validate', {
        method: 'POST', headers: {'content-type': 'application/json'}, body,
        signal: AbortSignal.timeout(10000),
      });
      await res.arrayBuffer();
      results.push({status: res.status, ms: performance.now() - started});
    } catch (error) {
      results.push({status: String(error.name), ms: performance.now() - started});
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return results;
}

export const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

// Waits (at most `ms`) until the server's count of open descriptors passes `check`;
// resolves with the last count.
export async function waitForFds(pid, check, ms) {
  const until = Date.now() + ms;
  let now = openFds(pid);
  while (!check(now) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
    now = openFds(pid);
  }
  return now;
}

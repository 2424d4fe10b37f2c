// Debian's dnsmasq on a free loopback port, serving the mail-domain test zone
// (fixtures/mail-domains.dnsmasq.conf) and logging every question it gets; slow.example is
// forwarded to a UDP socket held here that never answers. Nothing leaves 127.0.0.1.
import {spawn} from 'node:child_process';
import dgram from 'node:dgram';
import {readFileSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {fixturesDir, tempDir} from './server.mjs';

export const dnsmasqBinary = process.env.VETO_DNSMASQ ?? '/usr/sbin/dnsmasq';

const bindUdp = () => new Promise((resolve, reject) => {
  const socket = dgram.createSocket('udp4');
  socket.once('error', reject);
  socket.bind(0, '127.0.0.1', () => resolve(socket));
});

// One MX question for ready.example; resolves whether an answer came within `ms`.
async function answers(port, ms) {
  const socket = await bindUdp();
  const name = Buffer.from([5, ...Buffer.from('ready'), 7, ...Buffer.from('example'), 0]);
  const question = Buffer.concat([Buffer.from([0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]), name,
                                  Buffer.from([0, 15, 0, 1])]);
  return new Promise((resolve) => {
    const timer = setTimeout(() => { socket.close(); resolve(false); }, ms);
    socket.once('message', () => { clearTimeout(timer); socket.close(); resolve(true); });
    socket.send(question, port, '127.0.0.1');
  });
}

// Resolves {address, port, queries(type, name), stop()}.
export async function startDns() {
  const silent = await bindUdp();  // never read: slow.example's server
  const dir = tempDir('veto-dns-');
  const log = path.join(dir, 'queries.log');
  for (let attempt = 0; attempt < 5; attempt++) {
    const probe = await bindUdp();
    const {port} = probe.address();
    probe.close();
    // Through run-dnsmasq.sh, which stops dnsmasq when its standard input closes: in stop(),
    // or when this process ends however it ends.
    const proc = spawn(path.join(fixturesDir, 'run-dnsmasq.sh'), [dnsmasqBinary,
      '--keep-in-foreground', `--conf-file=${path.join(fixturesDir, 'mail-domains.dnsmasq.conf')}`,
      '--listen-address=127.0.0.1', '--bind-interfaces', `--port=${port}`, '--pid-file=',
      `--user=${os.userInfo().username}`, '--log-queries', `--log-facility=${log}`,
      `--server=/slow.example/127.0.0.1#${silent.address().port}`,
    ], {stdio: ['pipe', 'ignore', 'ignore']});
    let exited = false;
    proc.on('exit', () => { exited = true; });
    for (let i = 0; i < 100 && !exited; i++) {
      if (await answers(port, 50)) {
        const read = () => { try { return readFileSync(log, 'utf8'); } catch { return ''; } };
        return {
          address: `127.0.0.1:${port}`, port,
          // How many questions of `type` for `name` reached dnsmasq.
          queries: (type, name) => read().split('\n')
              .filter((line) => line.includes(`query[${type}] ${name} from`)).length,
          async stop() {
            if (!exited) {
              const gone = new Promise((resolve) => proc.once('exit', resolve));
              proc.stdin.end();
              await gone;
            }
            silent.close();
            rmSync(dir, {recursive: true, force: true});
          },
        };
      }
    }
    proc.stdin.end();
  }
  silent.close();
  throw new Error(`${dnsmasqBinary} did not start`);
}

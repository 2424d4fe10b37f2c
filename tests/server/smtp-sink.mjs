// An SMTP sink for the mail tests (issue 23): npm smtp-server on a loopback port, every
// message parsed with mailparser. What a test can ask of it: whether to offer SMTPUTF8,
// an answer to give a recipient (a 4xx or 5xx), a delay before accepting a message; what
// it records: every command line, every RCPT it was asked for, every message with its
// envelope.
import net from 'node:net';

import {simpleParser} from 'mailparser';
import {SMTPServer} from 'smtp-server';

// Starts a sink on 127.0.0.1 (`port` 0: any free one). Options:
//   smtputf8      offer SMTPUTF8 in the EHLO answer (default true)
//   onRcpt(addr)  undefined to accept, or {code, message} to refuse
//   holdMs        wait this long before answering the message's final 250
//   tls           {key, cert} (PEM): offer STARTTLS with them, or with `implicitTls` speak
//                 TLS from the first byte (smtps://)
//   auth          {user, password}: offer AUTH (after TLS only) and require it for MAIL
export async function startSink({port = 0, smtputf8 = true, onRcpt, holdMs = 0, tls, implicitTls = false, auth} = {}) {
  const sink = {messages: [], rcpts: [], commands: [], held: 0, logins: []};
  const ignore = () => {};
  // The commands as they came over the wire (the parsed addresses are decoded: A-labels
  // become U-labels), through the logger interface smtp-server reports them to.
  const logger = {trace: ignore, info: ignore, warn: ignore, error: ignore, fatal: ignore,
    debug: (meta, ...rest) => { if (meta?.tnx === 'command') sink.commands.push(String(rest.at(-1))); }};
  const server = new SMTPServer({
    authOptional: !auth,
    disabledCommands: [...(tls && !implicitTls ? [] : ['STARTTLS']), ...(auth ? [] : ['AUTH'])],
    ...(tls ? {key: tls.key, cert: tls.cert, secure: implicitTls} : {}),
    authMethods: ['PLAIN', 'LOGIN'],
    onAuth(login, session, callback) {
      const ok = login.username === auth.user && login.password === auth.password;
      sink.logins.push({user: login.username, ok, secure: session.secure === true});
      if (!ok) return callback(new Error('5.7.8 authentication failed'));
      callback(null, {user: login.username});
    },
    disableReverseLookup: true,  // a DNS query per connection: nothing leaves loopback
    hideSMTPUTF8: !smtputf8,
    logger,
    onRcptTo(address, session, callback) {
      sink.rcpts.push(address.address);
      const refusal = onRcpt?.(address.address);
      if (refusal) {
        const error = new Error(refusal.message);
        error.responseCode = refusal.code;
        return callback(error);
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks = [];
      stream.on('data', (chunk) => chunks.push(chunk));
      stream.on('end', async () => {
        const raw = Buffer.concat(chunks);
        const parsed = await simpleParser(raw);
        const envelope = {
          from: session.envelope.mailFrom.address,
          to: session.envelope.rcptTo.map((r) => r.address),
          smtputf8: session.envelope.smtpUtf8 === true,
          secure: session.secure === true,
          user: session.user ?? null,
        };
        if (holdMs) {
          sink.held += 1;
          await new Promise((resolve) => setTimeout(resolve, holdMs));
        }
        sink.messages.push({raw, parsed, envelope});
        callback();
      });
    },
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  // A client that gives up during the TLS handshake (an untrusted certificate) is an error
  // of that connection, not of the sink.
  sink.errors = [];
  server.on('error', (error) => sink.errors.push(error.message));
  sink.port = server.server.address().port;
  sink.close = () => new Promise((resolve) => server.close(resolve));
  return sink;
}

// Resolves once `predicate()` holds, checking every 50 ms; rejects after `ms`.
export async function waitFor(predicate, ms = 20000, what = 'the condition') {
  const until = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// A loopback port nothing listens on (for a relay that is down).
export async function freePort() {
  const probe = net.createServer();
  await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const {port} = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

/**
 * A real SMTP server on loopback (npm `smtp-server`) that keeps what it receives, parsed with
 * `mailparser`. `failNext(n)` answers the next n messages with 421 (RFC 5321 §4.2: service not
 * available, transient), as a provider outage looks to the client.
 */
export interface SmtpSink {
  port: number;
  mails: ParsedMail[];
  /** Logins the server accepted (user names). */
  logins: string[];
  failNext(n: number): void;
  /** Resolves with the first mail to `to` that `match` accepts, polling until `timeoutMs`. */
  waitFor(to: string, match?: (m: ParsedMail) => boolean, timeoutMs?: number): Promise<ParsedMail>;
  close(): Promise<void>;
}

export async function startSmtpSink(opts: { auth?: { user: string; pass: string } } = {}): Promise<SmtpSink> {
  const mails: ParsedMail[] = [];
  const logins: string[] = [];
  let failing = 0;
  const server = new SMTPServer({
    secure: false,
    disabledCommands: opts.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !opts.auth,
    allowInsecureAuth: true, // loopback only
    logger: false,
    onAuth(auth, _session, cb) {
      if (opts.auth && auth.username === opts.auth.user && auth.password === opts.auth.pass) {
        logins.push(auth.username);
        return cb(null, { user: auth.username });
      }
      return cb(new Error('Invalid username or password'));
    },
    onMailFrom(_address, _session, cb) {
      if (failing > 0) {
        failing--;
        return cb(Object.assign(new Error('Service not available, try later'), { responseCode: 421 }));
      }
      return cb();
    },
    onData(stream, _session, cb) {
      simpleParser(stream)
        .then((m) => {
          mails.push(m);
          cb();
        })
        .catch(cb);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  const toOf = (m: ParsedMail) => (Array.isArray(m.to) ? m.to : m.to ? [m.to] : []).flatMap((a) => a.value.map((v) => v.address?.toLowerCase()));
  return {
    port,
    mails,
    logins,
    failNext: (n) => {
      failing = n;
    },
    async waitFor(to, match = () => true, timeoutMs = 10_000) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const m = mails.find((x) => toOf(x).includes(to.toLowerCase()) && match(x));
        if (m) return m;
        if (Date.now() > end) throw new Error(`no mail to ${to} within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export const codeIn = (m: ParsedMail) => {
  const c = /(?<!\d)(\d{6,10})(?!\d)/.exec(m.text ?? '')?.[1];
  if (!c) throw new Error('no code in the mail');
  return c;
};

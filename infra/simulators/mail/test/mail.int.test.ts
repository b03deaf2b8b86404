import { connect } from 'node:net';
import { createMailer } from '@rayon/connectors/mail';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_MAIL_BYTES, startMailCatcher, type CaughtMail, type MailCatcher } from '../src/index.ts';

let catcher: MailCatcher;
beforeAll(async () => {
  catcher = await startMailCatcher();
});
afterAll(async () => {
  await catcher.close();
});

/**
 * Speaks raw bytes to a port (after the SMTP greeting for smtp:// URLs); resolves with everything the
 * server said until it closed or went quiet.
 */
function talk(url: string, lines: (string | Buffer)[], quietMs = 300): Promise<string> {
  const u = new URL(url);
  const greetingFirst = u.protocol === 'smtp:';
  let sent = false;
  const send = () => {
    if (sent) return;
    sent = true;
    for (const l of lines) socket.write(l);
  };
  const socket = connect(Number(u.port), u.hostname);
  return new Promise((resolve) => {
    let out = '';
    let timer: NodeJS.Timeout | undefined;
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(out);
    };
    const quiet = () => {
      clearTimeout(timer);
      timer = setTimeout(done, quietMs);
    };
    socket.on('data', (d) => {
      out += d.toString('latin1');
      send();
      quiet();
    });
    socket.on('error', done);
    socket.on('close', done);
    socket.on('connect', () => {
      if (!greetingFirst) send();
      quiet();
    });
  });
}

async function sendOne(subject: string, to = 'anne.martin@example.org') {
  const mailer = createMailer({ url: catcher.smtpUrl, from: 'Rayon <no-reply@rayon.local>' });
  await mailer.send({ to, subject, text: `Bonjour,\n\nLien : http://portail/invitation/abc\n${subject}` });
}

describe('mail catcher', () => {
  it('accepts a mail through the platform mailer and shows it on the page and in JSON', async () => {
    await sendOne('Invitation à rejoindre Cabinet <Test> & Cie sur Rayon');
    const caught = catcher.messages().at(-1)!;
    expect(caught).toMatchObject({
      from: 'no-reply@rayon.local',
      to: ['anne.martin@example.org'],
      subject: 'Invitation à rejoindre Cabinet <Test> & Cie sur Rayon',
    });
    expect(caught.text).toContain('http://portail/invitation/abc');
    expect(new Date(caught.at).getTime()).toBeGreaterThan(Date.now() - 60_000);

    const html = await fetch(`${catcher.httpUrl}/`);
    expect(html.headers.get('content-type')).toContain('text/html');
    const body = await html.text();
    expect(body).toContain('Courriels envoyés');
    // Escaped, not interpreted.
    expect(body).toContain('Cabinet &lt;Test&gt; &amp; Cie');

    const list = (await (await fetch(`${catcher.httpUrl}/messages`)).json()) as CaughtMail[];
    expect(list[0]!.id).toBe(caught.id);
    const one = await fetch(`${catcher.httpUrl}/messages/${caught.id}`);
    expect(one.status).toBe(200);
    expect(((await one.json()) as CaughtMail).text).toBe(caught.text);
    expect((await fetch(`${catcher.httpUrl}/messages/nope`)).status).toBe(404);
  });

  it('lists the newest first', async () => {
    await sendOne('courriel-un');
    await sendOne('courriel-deux');
    const list = (await (await fetch(`${catcher.httpUrl}/messages`)).json()) as CaughtMail[];
    expect(list.slice(0, 2).map((m) => m.subject)).toEqual(['courriel-deux', 'courriel-un']);
    const html = await (await fetch(`${catcher.httpUrl}/`)).text();
    expect(html.indexOf('courriel-deux')).toBeLessThan(html.indexOf('courriel-un'));
  });

  it('survives garbage on both ports and keeps serving', async () => {
    const before = catcher.messages().length;
    // SMTP: nonsense, a binary blob, a DATA without envelope, a connection cut in the middle of DATA.
    const said = await talk(catcher.smtpUrl, [
      'HELLO?\r\n',
      Buffer.from([0, 255, 1, 254, 13, 10]),
      'DATA\r\n',
      'EHLO x\r\n',
    ]);
    expect(said).toMatch(/^220 /);
    expect(said).toMatch(/\r\n5\d\d /);
    await talk(catcher.smtpUrl, [
      'EHLO x\r\nMAIL FROM:<a@b.c>\r\nRCPT TO:<d@e.f>\r\nDATA\r\nSubject: half\r\n\r\nno end',
    ]);
    // Too big: refused with 552, nothing kept.
    const big = await talk(
      catcher.smtpUrl,
      [
        'EHLO x\r\nMAIL FROM:<a@b.c>\r\nRCPT TO:<d@e.f>\r\nDATA\r\n',
        `Subject: big\r\n\r\n${'x'.repeat(MAX_MAIL_BYTES + 10)}\r\n.\r\n`,
      ],
      1000,
    );
    expect(big).toMatch(/\r\n552 /);
    // HTTP: a request that is not HTTP, a bad method, a bad percent-encoding.
    const http = await talk(catcher.httpUrl, ['\x00\x01 NOT HTTP\r\n\r\n']);
    expect(http).toContain('400');
    expect((await fetch(`${catcher.httpUrl}/messages`, { method: 'POST' })).status).toBe(405);
    expect((await fetch(`${catcher.httpUrl}/messages/%E0%A4%A`)).status).toBe(404);
    expect(catcher.messages().length).toBe(before);

    await sendOne('encore là');
    expect(catcher.messages().at(-1)!.subject).toBe('encore là');
    expect((await fetch(`${catcher.httpUrl}/`)).status).toBe(200);
  });

  it('accepts a hand-written mail with several recipients and no MIME headers', async () => {
    const said = await talk(catcher.smtpUrl, [
      'EHLO x\r\nMAIL FROM:<a@b.c>\r\nRCPT TO:<d@e.f>\r\nRCPT TO:<g@h.i>\r\nDATA\r\n',
      '\r\njust text\r\n.\r\nQUIT\r\n',
    ]);
    expect(said).toMatch(/\r\n250 .*accepted/i);
    const m = catcher.messages().at(-1)!;
    expect(m).toMatchObject({ from: 'a@b.c', to: ['d@e.f', 'g@h.i'], subject: '' });
    expect(m.text.trim()).toBe('just text');
  });
});

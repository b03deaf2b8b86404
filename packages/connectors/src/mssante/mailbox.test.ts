import { describe, expect, it } from 'vitest';
import { OrganisationCertificate } from '../certificates/index.ts';
import { makeCertificate } from '../certificates/test-support.ts';
import { DeliveryError } from '../delivery-error.ts';
import { readMssanteNotifications, toMailboxError } from './mailbox.ts';

const imapError = (message: string, fields: Record<string, unknown>) =>
  Object.assign(new Error(message), fields);

describe('MSSanté mailbox errors', () => {
  it('does not retry a refused login or certificate', () => {
    expect(
      toMailboxError(
        imapError('Command failed', {
          authenticationFailed: true,
          serverResponseCode: 'AUTHENTICATIONFAILED',
          responseText: 'Authentification refusee pour rayon@imagerie.mssante.fr',
        }),
      ),
    ).toMatchObject({
      retryable: false,
      reason: expect.stringMatching(/authentification IMAP/),
      remote: 'Authentification refusee pour <adresse>',
    });
    // The server closed the connection right after TLS, before any session: the certificate.
    expect(toMailboxError(imapError('Unexpected close', { code: 'ClosedAfterConnectTLS' }))).toMatchObject({
      retryable: false,
      reason: expect.stringMatching(/connexion TLS/),
    });
    expect(
      toMailboxError(imapError('self-signed certificate in certificate chain', { tlsFailed: true }))
        .retryable,
    ).toBe(false);
  });

  it('retries an unreachable server, a timeout or a refused command', () => {
    expect(
      toMailboxError(imapError('connect ECONNREFUSED 127.0.0.1:143', { code: 'ECONNREFUSED' })),
    ).toMatchObject({ retryable: true, reason: expect.stringMatching(/injoignable/) });
    expect(toMailboxError(imapError('Socket timeout', { code: 'ETIMEOUT' }))).toMatchObject({
      retryable: true,
      reason: expect.stringMatching(/pas répondu à temps/),
    });
    expect(
      toMailboxError(imapError('Command failed', { responseStatus: 'NO', responseText: 'occupé' })),
    ).toMatchObject({
      retryable: true,
      remote: 'occupé',
    });
    expect(toMailboxError(imapError('Command failed', { responseStatus: 'BAD' })).retryable).toBe(false);
    expect(toMailboxError(new Error('???')).reason).toMatch(/raison inattendue/);
    const given = new DeliveryError({ retryable: false, reason: 'x' });
    expect(toMailboxError(given)).toBe(given);
  });
});

describe('MSSanté mailbox certificate check', () => {
  it('refuses an expired certificate before connecting', async () => {
    const now = new Date('2026-11-22T10:00:00Z');
    const c = makeCertificate({
      subject: [{ shortName: 'CN', value: 'rayon@imagerie.mssante.fr' }],
      notBefore: new Date(now.getTime() - 10 * 86_400_000),
      notAfter: new Date(now.getTime() - 86_400_000),
      extendedKeyUsage: { clientAuth: true },
    });
    const handled: unknown[] = [];
    const err = await readMssanteNotifications(
      {
        // Nothing listens on port 1: a connection attempt would be reported as "injoignable".
        host: '127.0.0.1',
        port: 1,
        security: 'starttls',
        certificate: OrganisationCertificate.fromPem({ certPem: c.certPem, keyPem: c.keyPem }),
        mailbox: 'rayon@imagerie.mssante.fr',
        now,
      },
      (item) => {
        handled.push(item);
      },
    ).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject({
      retryable: false,
      reason: expect.stringMatching(/a expiré le 21\/11\/2026/),
    });
    expect(handled).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { OrganisationCertificate } from '../certificates/index.ts';
import { makeCertificate } from '../certificates/test-support.ts';
import { certificateProblem, redactAddresses, toDeliveryError } from './send.ts';

const smtpError = (fields: Record<string, unknown>) => Object.assign(new Error('smtp'), fields);

describe('MSSanté send errors', () => {
  it('retries 4xx and network failures, not 5xx', () => {
    expect(
      toDeliveryError(smtpError({ responseCode: 451, response: '451 4.3.0 try later', command: 'DATA' })),
    ).toMatchObject({ retryable: true, remote: '451 4.3.0 try later' });
    const rejected = toDeliveryError(
      smtpError({ responseCode: 554, response: '554 5.6.0 IHE_XDM.zip manquante', command: 'DATA' }),
    );
    expect(rejected).toMatchObject({ retryable: false, remote: '554 5.6.0 IHE_XDM.zip manquante' });
    expect(rejected.reason).toMatch(/rejeté le message \(code 554\)/);
    expect(
      toDeliveryError(smtpError({ code: 'ESOCKET', message: 'connect ECONNREFUSED 127.0.0.1:1' })),
    ).toMatchObject({ retryable: true, reason: expect.stringMatching(/injoignable/) });
    expect(toDeliveryError(smtpError({ code: 'ETIMEDOUT' })).retryable).toBe(true);
  });

  it('does not retry a refused certificate or authentication', () => {
    expect(
      toDeliveryError(smtpError({ code: 'ECONNECTION', message: 'Connection closed unexpectedly' }), {
        tlsEstablished: true,
      }),
    ).toMatchObject({ retryable: false, reason: expect.stringMatching(/TLS/) });
    // The same close once the server has answered over TLS is a broken connection: retried.
    expect(
      toDeliveryError(smtpError({ code: 'ECONNECTION', message: 'Connection closed unexpectedly' }), {
        tlsEstablished: true,
        answeredOverTls: true,
      }).retryable,
    ).toBe(true);
    expect(
      toDeliveryError(
        smtpError({
          code: 'ESOCKET',
          message: 'Client network socket disconnected before secure TLS connection was established',
        }),
      ).retryable,
    ).toBe(false);
    expect(
      toDeliveryError(smtpError({ code: 'ESOCKET', message: 'self-signed certificate in certificate chain' }))
        .retryable,
    ).toBe(false);
    expect(
      toDeliveryError(smtpError({ responseCode: 535, response: '535 5.7.8 refusée', command: 'AUTH PLAIN' })),
    ).toMatchObject({ retryable: false, reason: expect.stringMatching(/authentification/) });
  });

  it('never keeps an address (possibly an INS) in the remote answer', () => {
    const err = toDeliveryError(
      smtpError({
        responseCode: 550,
        response: '550 5.1.1 <279035121518989@patient.mssante.fr>: fermée',
        command: 'RCPT TO',
      }),
    );
    expect(err.remote).toBe('550 5.1.1 <adresse>: fermée');
    expect(err.reason).toMatch(/destinataire/);
    expect(redactAddresses('a b@c.fr d')).toBe('a <adresse> d');
  });
});

describe('MSSanté certificate check', () => {
  const DAY = 86_400_000;
  const now = new Date('2026-11-22T10:00:00Z');
  const make = (notBefore: number, notAfter: number, clientAuth = true) => {
    const c = makeCertificate({
      subject: [{ shortName: 'CN', value: 'rayon@imagerie.mssante.fr' }],
      notBefore: new Date(now.getTime() + notBefore),
      notAfter: new Date(now.getTime() + notAfter),
      extendedKeyUsage: clientAuth ? { clientAuth: true } : { serverAuth: true },
    });
    return OrganisationCertificate.fromPem({ certPem: c.certPem, keyPem: c.keyPem });
  };

  it('stops an expired, not yet valid or non client-auth certificate before connecting', () => {
    expect(certificateProblem(make(-DAY, DAY), now)).toBeNull();
    expect(certificateProblem(make(-10 * DAY, -DAY), now)).toMatchObject({
      retryable: false,
      reason: expect.stringMatching(/a expiré le 21\/11\/2026/),
    });
    expect(certificateProblem(make(DAY, 10 * DAY), now)?.reason).toMatch(/qu'à partir du 23\/11\/2026/);
    expect(certificateProblem(make(-DAY, DAY, false), now)?.reason).toMatch(/AUTH_CLI/);
  });
});

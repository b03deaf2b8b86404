import { describe, expect, it } from 'vitest';
import { transportError } from './transport.ts';

const err = (code: string, message = code) => Object.assign(new Error(message), { code });

describe('transportError', () => {
  it('names the TLS alert, from the code (OpenSSL 3.0 and 3.2+ spellings) or from the message', () => {
    for (const e of [
      err('ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED'),
      err('ERR_SSL_SSL/TLS_ALERT_CERTIFICATE_EXPIRED'),
      err(
        'EPROTO',
        'write EPROTO 40BD:error:0A000415:SSL routines:ssl3_read_bytes:ssl/tls alert certificate expired:../rec_layer_s3.c:918:SSL alert number 45',
      ),
    ]) {
      const mapped = transportError(e);
      expect(mapped.kind).toBe('tls-refused');
      expect(mapped.code).toBe('FORBIDDEN');
      expect(mapped.message).toContain('(alert "certificate expired")');
    }
    expect(transportError(err('ERR_SSL_TLSV1_ALERT_UNKNOWN_CA')).message).toContain('(alert "unknown ca")');
  });

  it('reports an untrusted server certificate', () => {
    for (const code of [
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      'SELF_SIGNED_CERT_IN_CHAIN',
      'CERT_HAS_EXPIRED',
      'ERR_TLS_CERT_ALTNAME_INVALID',
    ]) {
      expect(transportError(err(code))).toMatchObject({ kind: 'server-untrusted', code: 'UNAVAILABLE' });
    }
  });

  it('treats a close during or right after the handshake as a likely certificate refusal', () => {
    const during = transportError(
      err('ECONNRESET', 'Client network socket disconnected before secure TLS connection was established'),
    );
    expect(during.kind).toBe('tls-refused');
    expect(during.message).toMatch(/during the TLS handshake/);
    const after = transportError(err('ECONNRESET', 'socket hang up'), {
      handshakeDone: true,
      answered: false,
    });
    expect(after.kind).toBe('tls-refused');
    expect(after.message).toMatch(/right after the TLS handshake/);
    const midAnswer = transportError(err('ECONNRESET', 'aborted'), { handshakeDone: true, answered: true });
    expect(midAnswer.kind).toBe('network');
  });

  it('reports other network errors with their code', () => {
    expect(transportError(err('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1'))).toMatchObject({
      kind: 'network',
      message: 'Cannot reach INSi (ECONNREFUSED).',
    });
  });
});

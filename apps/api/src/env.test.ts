import { describe, expect, it } from 'vitest';
import { loadEnv } from './env.ts';

const base = {
  RAYON_DATABASE_URL: 'postgres://rayon@127.0.0.1/rayon',
  RAYON_REDIS_URL: 'redis://127.0.0.1:6379',
  RAYON_SECRETS_KEY: 'c2VjcmV0cy1rZXktb2YtMzItYnl0ZXMtZm9yLXRoZS10ZXN0cyE=',
};
const issuer = 'https://auth.bas.psc.esante.gouv.fr/auth/realms/esante-wallet';

describe('Pro Santé Connect configuration', () => {
  it('is optional, and complete once the issuer is set', () => {
    expect(loadEnv(base).RAYON_PSC_ISSUER).toBeUndefined();
    const env = loadEnv({
      ...base,
      RAYON_PSC_ISSUER: issuer,
      RAYON_PSC_CLIENT_ID: 'rayon',
      RAYON_PSC_CLIENT_SECRET: 's',
    });
    expect(env).toMatchObject({
      RAYON_PSC_CLIENT_AUTH: 'client_secret_basic',
      RAYON_PSC_CLOCK_TOLERANCE_S: 30,
    });
  });

  it('names what each client authentication lacks', () => {
    expect(() => loadEnv({ ...base, RAYON_PSC_ISSUER: issuer })).toThrow(/RAYON_PSC_CLIENT_ID is required/);
    expect(() => loadEnv({ ...base, RAYON_PSC_ISSUER: issuer, RAYON_PSC_CLIENT_ID: 'rayon' })).toThrow(
      /RAYON_PSC_CLIENT_SECRET is required for client_secret_basic/,
    );
    const mtls = {
      ...base,
      RAYON_PSC_ISSUER: issuer,
      RAYON_PSC_CLIENT_ID: 'rayon',
      RAYON_PSC_CLIENT_AUTH: 'tls_client_auth',
    };
    expect(() => loadEnv(mtls)).toThrow(/RAYON_PSC_CLIENT_KEY_FILE is required for tls_client_auth/);
    expect(() => loadEnv({ ...mtls, RAYON_PSC_CLIENT_KEY_FILE: '/k.pem' })).toThrow(
      /RAYON_PSC_CLIENT_CERT_FILE/,
    );
  });

  it('bounds the clock tolerance', () => {
    expect(() => loadEnv({ ...base, RAYON_PSC_CLOCK_TOLERANCE_S: '600' })).toThrow(
      /RAYON_PSC_CLOCK_TOLERANCE_S/,
    );
  });
});

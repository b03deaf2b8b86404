/**
 * The demo practice of the quick start and the end-to-end tests: its accounts, AE titles, callers
 * and the facts the README and the tests refer to. Data only: the seeding is in seed.ts.
 */
import type { Civility } from '@rayon/domain';

export interface SeedAccount {
  email: string;
  password: string;
  displayName: string;
}

export interface DemoSeed {
  platformAdmin: SeedAccount;
  practiceAdmin: SeedAccount;
  /** Desk staff (secrétaire) and technologist (manipulateur) of the demo practice. */
  secretary?: SeedAccount;
  technologist?: SeedAccount;
  /** A radiologist who signs reports (profile complete: civility, names, valid RPPS). */
  radiologist?: SeedAccount & {
    rpps: string;
    title: string;
    civility: Civility;
    familyName: string;
    givenName: string;
  };
  tenant: { slug: string; name: string; finess: string; siret: string };
}

/**
 * The demo administrators' second factor (TOTP, RFC 6238: SHA-1, 30 s, 6 digits), enrolled by
 * the seed so that the quick start and the e2e tests can sign in: add it to an authenticator app
 * (DEMO_TOTP_URI as a QR code, or this key typed in). A demo value, public: never in production.
 */
export const DEMO_TOTP_SECRET = 'RAYONDEMOTOTPSECRETFORADMINS2345';
export const demoTotpUri = (email: string) =>
  `otpauth://totp/Rayon:${encodeURIComponent(email)}?secret=${DEMO_TOTP_SECRET}&issuer=Rayon&algorithm=SHA1&digits=6&period=30`;

/** The demo HL7 route's senders: this machine (IPv4 and IPv6 loopback). */
export const DEMO_HL7_SOURCES = ['127.0.0.1/32', '::1/128'];

export const DEMO: DemoSeed = {
  platformAdmin: {
    email: 'admin@rayon.local',
    password: 'rayon-admin-demo',
    displayName: 'Administrateur Rayon',
  },
  practiceAdmin: {
    email: 'cabinet@rayon.local',
    password: 'rayon-cabinet-demo',
    displayName: 'Dr Camille Lefèvre',
  },
  secretary: {
    email: 'accueil@rayon.local',
    password: 'rayon-accueil-demo',
    displayName: 'Sophie Bernard',
  },
  technologist: {
    email: 'manipulateur@rayon.local',
    password: 'rayon-manip-demo',
    displayName: 'Karim Haddad',
  },
  radiologist: {
    email: 'radiologue@rayon.local',
    password: 'rayon-radio-demo',
    displayName: 'Julien Moreau',
    // 11 digits, valid Luhn key (the domain refuses 10001234567).
    rpps: '10001234565',
    title: 'DR',
    civility: 'Dr',
    familyName: 'Moreau',
    givenName: 'Julien',
  },
  tenant: {
    slug: 'imagerie-demo',
    name: 'Centre d’imagerie de démonstration',
    finess: '750712184',
    siret: '26750045200011',
  },
};

/** Demo AE titles of the demo practice's modalities (documented in the README). */
export const DEMO_AE_TITLES = { ct: 'RAYON_CT1', us: 'RAYON_US1' };

/**
 * Who may call the demo modalities' AE titles: their own calling AE titles (findscu / echoscu
 * `-aet`, documented in the README), from this machine.
 */
export const DEMO_CALLERS = {
  ct: { callingAeTitles: ['RAYON_CT1_SCU'], allowedSources: ['127.0.0.1/32', '::1/128'] },
  us: { callingAeTitles: ['RAYON_US1_SCU'], allowedSources: ['127.0.0.1/32', '::1/128'] },
};

/** The demo referrer's MSSanté address (the quick start's MSSanté simulator receives it). */
export const DEMO_REFERRER_MSSANTE = 'isabelle.agnes@medecin.mssante.fr';
/** The INS of the demo report's patient (NIR of the ANS test authority, OID …4.10). */
export const DEMO_REPORT_INS = { matricule: '261127510612320', oid: '1.2.250.1.213.1.4.10' } as const;

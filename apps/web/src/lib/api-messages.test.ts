import { describe, expect, it } from 'vitest';
import { frenchApiError, frenchReason } from './api-messages.ts';

/** An API error as the portal reads it (server/api.ts), English message included. */
const error = (
  code: string,
  message: string,
  reason: string | null = null,
  params: Record<string, unknown> | null = null,
) => ({
  code,
  message,
  reason,
  params,
});

describe('the French text of an API error, by its reason key', () => {
  it('identity: RNIV rules, merges, an IPP held by another patient (with its parameters)', () => {
    expect(
      frenchApiError(
        error('CONFLICT', 'a fictive identity cannot be validated', 'identity.validation.fictive'),
      ),
    ).toBe('Une identité fictive ne peut pas être validée (RNIV : elle reste provisoire).');
    expect(
      frenchApiError(error('BAD_REQUEST', 'a patient cannot be merged into itself', 'identity.merge.self')),
    ).toBe('Un dossier ne peut pas être fusionné avec lui-même.');
    expect(
      frenchApiError(
        error(
          'CONFLICT',
          'identifier 123 of HOPITAL already belongs to another patient',
          'identity.ipp.taken',
          {
            value: '123',
            authority: 'HOPITAL',
          },
        ),
      ),
    ).toBe("L'IPP 123 (HOPITAL) appartient déjà à un autre patient.");
  });

  it('INSi: an answer not taken, with the OID it named', () => {
    expect(frenchReason('identity.insi.oid_unknown', { oid: '1.2.3' })).toBe(
      "OID d'INS inconnu (1.2.3) : l'INS n'est pas récupérée.",
    );
    expect(frenchReason('identity.insi.traits_differ')).toBe(
      "Les traits renvoyés par INSi diffèrent de ceux vérifiés sur la pièce d'identité : vérifiez à nouveau la pièce d'identité.",
    );
  });

  it('certificates: dates in French form, names as given', () => {
    expect(
      frenchApiError(
        error('BAD_REQUEST', 'The certificate is not valid yet', 'certificates.validity.not_yet', {
          from: '2027-01-15',
          to: '2030-01-14',
        }),
      ),
    ).toBe("Le certificat n'est pas encore valide : valable du 15/01/2027 au 14/01/2030.");
    expect(frenchReason('certificates.validity.expired', { on: '2026-03-01' })).toBe(
      'Le certificat a expiré le 01/03/2026 : déposez le certificat renouvelé.',
    );
    expect(frenchReason('certificates.cn.mismatch', { commonName: 'insi-manu', expected: 'INSI-MANU' })).toBe(
      "Le nom commun (CN) du certificat est « insi-manu » alors qu'INSi attend « INSI-MANU » (exactement INSI-AUTO ou INSI-MANU).",
    );
    expect(frenchReason('certificates.certificate.missing', { name: 'INSI-AUTO' })).toBe(
      "aucun certificat INSI-AUTO n'est installé pour l'établissement (voir Certificats)",
    );
  });

  it('scheduling: a slot outside the opening hours (date and times), appointments counted', () => {
    expect(
      frenchReason('scheduling.slot.outside_hours', {
        date: '2026-12-08',
        from: '19:30',
        to: '19:50',
        modality: 'IRM 1',
      }),
    ).toBe("Le créneau du 08/12/2026 de 19:30 à 19:50 est en dehors des horaires d'ouverture de IRM 1.");
    expect(frenchReason('scheduling.modality.booked', { count: 3 })).toBe(
      '3 rendez-vous sont pris sur cette modalité à partir de maintenant : déplacez-les ou annulez-les avant de la retirer.',
    );
    expect(frenchReason('scheduling.modality.booked', { count: 1 })).toBe(
      'Un rendez-vous est pris sur cette modalité à partir de maintenant : déplacez-le ou annulez-le avant de la retirer.',
    );
    expect(frenchReason('scheduling.referrer.taken', { identifier: 'adeli', value: '751234567' })).toBe(
      'Un prescripteur de n° ADELI 751234567 existe déjà.',
    );
  });

  it('scheduling: a final status never changes, for an exam and for an order; a live one was moved meanwhile', () => {
    expect(
      frenchReason('scheduling.status.final', { what: 'exam', from: 'completed', to: 'scheduled' }),
    ).toBe('Cet examen est terminé : son statut ne change plus.');
    expect(
      frenchReason('scheduling.status.final', { what: 'order', from: 'cancelled', to: 'completed' }),
    ).toBe('Cette demande est annulée : son statut ne change plus.');
    expect(
      frenchReason('scheduling.status.transition', { what: 'exam', from: 'arrived', to: 'scheduled' }),
    ).toBe("L'examen a changé entre-temps : rechargez la page.");
  });

  it('reporting: statuses by their French labels, the data that keeps documents from being produced', () => {
    expect(frenchReason('reporting.status.transition', { from: 'validated', to: 'draft' })).toBe(
      "Un compte rendu ne peut pas passer de l'état « Validé » à l'état « Brouillon » : rechargez la page.",
    );
    expect(frenchReason('reporting.report.not_editable', { status: 'validated' })).toBe(
      "Un compte rendu à l'état « validé » ne peut plus être modifié : corrigez-le (nouvelle version).",
    );
    expect(
      frenchReason('report.documents.invalid', {
        path: 'referrer.rpps',
        issues: [{ path: 'referrer.rpps', message: 'RPPS: 11 digits' }],
      }),
    ).toBe(
      'Les documents du compte rendu ne peuvent pas être produits avec les données enregistrées (referrer.rpps) : corrigez-les, puis validez.',
    );
  });

  it('delivery: an internal address named, a version replaced', () => {
    expect(frenchReason('delivery.address.internal', { host: '10.0.0.5' })).toMatch(
      /^L'adresse 10\.0\.0\.5 est ou désigne une adresse interne/,
    );
    expect(frenchReason('delivery.version_replaced')).toBe(
      "Cette version a été remplacée par une correction : elle n'est plus envoyée.",
    );
  });
});

describe('an API error without a known reason', () => {
  it('is shown by its message (input errors carry their own text)', () => {
    expect(frenchApiError(error('BAD_REQUEST', 'Le nom de naissance est obligatoire.'))).toBe(
      'Le nom de naissance est obligatoire.',
    );
    expect(frenchReason('no.such.key')).toBeUndefined();
    expect(frenchApiError(error('CONFLICT', 'port 2575 is already assigned', 'no.such.key'))).toBe(
      'port 2575 is already assigned',
    );
  });

  it('gets a French text by code when its message never helps a person', () => {
    expect(frenchApiError(error('INTERNAL_SERVER_ERROR', 'internal error'))).toBe(
      'Erreur interne du serveur.',
    );
    expect(frenchApiError(error('UNAUTHORIZED', 'sign in first'))).toBe(
      'Votre session a expiré : reconnectez-vous.',
    );
    expect(frenchApiError(error('NOT_FOUND', 'modality not found'))).toBe('Élément introuvable.');
  });

  it('prefers the reason over the code', () => {
    expect(frenchApiError(error('NOT_FOUND', 'patient not found', 'identity.patient.not_found'))).toBe(
      'Patient introuvable.',
    );
  });
});

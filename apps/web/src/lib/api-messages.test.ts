import { describe, expect, it } from 'vitest';
import { frenchApiMessage } from './api-messages.ts';

describe('frenchApiMessage', () => {
  it('says a final status never changes, for an exam and for an order (scheduling.status.final)', () => {
    expect(frenchApiMessage('an exam cannot go from completed to scheduled')).toBe(
      'Cet examen est terminé : son statut ne change plus.',
    );
    expect(frenchApiMessage('an order cannot go from cancelled to completed')).toBe(
      'Cette demande est annulée : son statut ne change plus.',
    );
  });

  it('keeps the reload advice for a transition refused between two live statuses', () => {
    expect(frenchApiMessage('an exam cannot go from arrived to scheduled')).toBe(
      "L'examen a changé entre-temps : rechargez la page.",
    );
  });

  it('says which stored data keeps the documents from being produced (report.documents.invalid)', () => {
    expect(
      frenchApiMessage("the report's documents cannot be produced: referrer.rpps: RPPS: 11 digits"),
    ).toBe(
      'Les documents du compte rendu ne peuvent pas être produits avec les données enregistrées (referrer.rpps) : corrigez-les, puis validez.',
    );
  });
});

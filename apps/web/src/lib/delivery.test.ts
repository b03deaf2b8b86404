import { distributionSettingsInput } from '@rayon/schemas/delivery';
import { describe, expect, it } from 'vitest';
import {
  attemptOutcomeLabel,
  attemptsLabel,
  deliveryStatusLabel,
  DISTRIBUTION_FIELDS,
  destinationLabel,
  distributionFormValues,
  distributionInput,
  formatDuration,
  readDistributionForm,
  receiptLabel,
  type DistributionFormValues,
} from './delivery.ts';
import { parseForm } from './forms.ts';

/** What the settings action does: the form read into the shared schema's input, parsed there. */
const parseDistributionForm = (values: DistributionFormValues) =>
  parseForm(distributionSettingsInput, distributionInput(values), DISTRIBUTION_FIELDS);

function form(fields: Record<string, string>): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.set(k, v);
  return f;
}

describe('the distribution settings form', () => {
  it('reads ticked boxes and a PFI address into the settings the API takes', () => {
    const parsed = parseDistributionForm(
      readDistributionForm(
        form({
          dmp: 'on',
          mssante: 'on',
          mssantePatient: 'on',
          mssanteMailbox: ' cr@imagerie.mssante.fr ',
          pfi: 'on',
          pfiHost: ' pfi.chu-exemple.fr ',
          pfiPort: '2575',
          pfiApplication: 'PFI',
          pfiFacility: 'CHU',
          pfiProfile: 'ORU',
        }),
      ),
    );
    expect(parsed).toEqual({
      ok: true,
      data: {
        dmp: true,
        mssante: { enabled: true, patient: true, mailbox: 'cr@imagerie.mssante.fr' },
        pfi: {
          host: 'pfi.chu-exemple.fr',
          port: 2575,
          receivingApplication: 'PFI',
          receivingFacility: 'CHU',
          profile: 'ORU',
        },
      },
    });
  });

  it('has no PFI when the box is not ticked, whatever the address fields hold', () => {
    const parsed = parseDistributionForm(readDistributionForm(form({ pfiHost: 'x', pfiPort: 'abc' })));
    expect(parsed).toEqual({
      ok: true,
      data: { dmp: false, mssante: { enabled: false, patient: false }, pfi: null },
    });
  });

  it("does not send to the patient's mailbox without MSSanté", () => {
    const parsed = parseDistributionForm(readDistributionForm(form({ mssantePatient: 'on' })));
    expect(parsed.ok && parsed.data.mssante).toEqual({ enabled: false, patient: false });
  });

  it('refuses a PFI message other than MDM or ORU', () => {
    const bad = parseDistributionForm(
      readDistributionForm(
        form({
          pfi: 'on',
          pfiHost: 'pfi',
          pfiPort: '2575',
          pfiApplication: 'A',
          pfiFacility: 'B',
          pfiProfile: 'ADT',
        }),
      ),
    );
    expect(bad).toEqual({
      ok: false,
      errors: { pfiProfile: 'Choisissez le message HL7 que la PFI attend (MDM ou ORU).' },
    });
  });

  it('names each wrong PFI field in French', () => {
    const empty = parseDistributionForm(readDistributionForm(form({ pfi: 'on' })));
    expect(empty).toEqual({
      ok: false,
      errors: {
        pfiHost: "Indiquez l'adresse (nom d'hôte ou adresse IP) de la PFI.",
        pfiPort: 'Indiquez le port MLLP de la PFI.',
        pfiApplication: "Indiquez l'application réceptrice (MSH-5).",
        pfiFacility: "Indiquez l'établissement récepteur (MSH-6).",
      },
    });
    for (const port of ['0', '65536', '25.5', '-1', 'deux']) {
      const bad = parseDistributionForm(
        readDistributionForm(
          form({ pfi: 'on', pfiHost: '127.0.0.1', pfiPort: port, pfiApplication: 'A', pfiFacility: 'B' }),
        ),
      );
      expect(bad).toEqual({ ok: false, errors: { pfiPort: 'Le port est un nombre entier de 1 à 65535.' } });
    }
    const host = parseDistributionForm(
      readDistributionForm(
        form({ pfi: 'on', pfiHost: 'pfi exemple', pfiPort: '2575', pfiApplication: 'A', pfiFacility: 'B' }),
      ),
    );
    expect(host.ok ? null : host.errors.pfiHost).toMatch(/n'est pas un nom d'hôte/);
    const mailbox = parseDistributionForm(
      readDistributionForm(form({ mssante: 'on', mssanteMailbox: 'cr' })),
    );
    expect(mailbox.ok ? null : mailbox.errors.mssanteMailbox).toMatch(/adresse e-mail valide/);
  });

  it('shows the saved settings back in the form', () => {
    const settings = {
      dmp: true,
      mssante: { enabled: true, patient: false },
      pfi: {
        host: '10.0.0.5',
        port: 6661,
        receivingApplication: 'PFI',
        receivingFacility: 'CHU',
        profile: 'ORU' as const,
      },
    };
    const values = distributionFormValues(settings);
    expect(values).toMatchObject({ pfi: true, pfiPort: '6661', mssanteMailbox: '' });
    const back = parseDistributionForm(values);
    expect(back).toEqual({ ok: true, data: settings });
  });
});

describe('delivery labels', () => {
  it('speaks French', () => {
    expect(deliveryStatusLabel('failed')).toBe('Échec : action requise');
    expect(deliveryStatusLabel('not_sent')).toBe('Non envoyé');
    expect(destinationLabel('dmp')).toBe('DMP (Mon espace santé)');
    expect(attemptsLabel(0)).toBe('Aucun essai');
    expect(attemptsLabel(1)).toBe('1 essai');
    expect(attemptsLabel(8)).toBe('8 essais');
    expect(formatDuration(350)).toBe('350 ms');
    expect(formatDuration(1250)).toBe('1,3 s');
    expect(receiptLabel('displayed')).toBe('Lu par le destinataire');
    expect(receiptLabel(null)).toBeNull();
    expect(attemptOutcomeLabel('notification')).toBe('Avis du destinataire');
  });
});

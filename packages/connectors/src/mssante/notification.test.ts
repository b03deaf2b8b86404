import { describe, expect, it } from 'vitest';
import { NotificationParseError, parseMssanteNotification } from './notification.ts';

const crlf = (s: string) => s.replace(/\r?\n/g, '\r\n');

// RFC 3464 §10.2-style failure report, with the ENVID we set (xtext) and the original's headers.
const DSN_FAILED = crlf(`Date: Sun, 22 Nov 2026 10:46:00 +0100
From: Mail Delivery System <MAILER-DAEMON@mta.mssante.fr>
To: rayon-demo@imagerie-demo.mssante.fr
Subject: Undelivered Mail Returned to Sender
Message-ID: <dsn.1@mta.mssante.fr>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="XX.boundary"

--XX.boundary
Content-Type: text/plain; charset=utf-8

Le message n'a pas pu être remis.

--XX.boundary
Content-Type: message/delivery-status

Reporting-MTA: dns; mta.mssante.fr
Original-Envelope-Id: <abc.rayon@imagerie-demo.mssante.fr>
Arrival-Date: Sun, 22 Nov 2026 10:45:58 +0100

Final-Recipient: rfc822; 279035121518989@patient.mssante.fr
Original-Recipient: rfc822;279035121518989@patient.mssante.fr
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <279035121518989@patient.mssante.fr>: messagerie fermée

--XX.boundary
Content-Type: text/rfc822-headers

From: rayon-demo@imagerie-demo.mssante.fr
To: 279035121518989@patient.mssante.fr
Message-ID: <abc.rayon@imagerie-demo.mssante.fr>
Subject: XDM/1.0/DDM+Compte rendu

--XX.boundary--
`);

// ig-struct-msg-mdn.md example, verbatim (including its missing blank lines and the em dashes).
const IG_MDN = `Date: Wed, 20 Feb 2024 00:19:00 (EDT) -0400
From: serviceY_auto@chb.mssante.fr
Message-Id: <199509200019.12345>
Subject: [KO Intégration système !][902] XDM/1.0/DDM+ECHOGRAPHIE ABDOMINOPELVIENNE CORSE FIGATELLIX 12/10/1988
To: serviceY@chb.mssante.fr
MIME-Version: 1.0
Content-Type: multipart/report; report-type=disposition-notification; boundary="RAA14128.773615765"
--RAA14128.773615765
Le document n’a pas pu être intégré.
Le système a retourné l'erreur 902^Identifiant de patient inconnu^messageErrorCondition| E^Error^errorSeverity
--RAA14128.773615765
Content-Type: message/disposition-notification
Original-Recipient: rfc822;serviceY_auto@chb.mssante.fr 
Final-Recipient: rfc822; serviceY_auto@chb.mssante.fr 
Original-Message-ID: <199509192301.23456 >
Disposition:automatic-action/MDN-sent-automatically; processed/Error: 902^Identifiant de patient inconnu^messageErrorCondition| E^Error^errorSeverity
--RAA14128.773615765
Content-Type: message/rfc822
Ici apparaît le contenu du courriel MSSanté à l’origine du MDN et ses pièces jointes.
--RAA14128.773615765—
Content-Type: application/zip ; name="IHE_XDM.zip"
Content-Transfert-Encoding: base64
Content-Disposition: attachment;filename= "IHE_XDM.zip"

Ici apparaît le fichier IHE_XDM.zip encode en base64.
--RAA14128.773615765--
`;

const mdn = (disposition: string) =>
  crlf(`From: dr.martin@medecin.mssante.fr
To: rayon-demo@imagerie-demo.mssante.fr
Subject: =?UTF-8?Q?Accus=C3=A9_de_lecture?=
Message-ID: <mdn.2@medecin.mssante.fr>
MIME-Version: 1.0
Content-Type: multipart/report; report-type="disposition-notification"; boundary="b2"

--b2
Content-Type: text/plain; charset=utf-8

Votre message a été lu.

--b2
Content-Type: message/disposition-notification

Reporting-UA: client.mssante.fr
Original-Recipient: rfc822;dr.martin@medecin.mssante.fr
Final-Recipient: rfc822;dr.martin@medecin.mssante.fr
Original-Message-ID: <abc.rayon@imagerie-demo.mssante.fr>
Disposition: ${disposition}

--b2--
`);

describe('MSSanté notifications', () => {
  it('reads a failed DSN: original message, status, no address in the detail', () => {
    const n = parseMssanteNotification(Buffer.from(DSN_FAILED));
    expect(n).toMatchObject({
      type: 'dsn',
      kind: 'failed',
      originalMessageId: '<abc.rayon@imagerie-demo.mssante.fr>',
      status: '5.1.1',
      finalRecipient: '279035121518989@patient.mssante.fr',
      messageId: '<dsn.1@mta.mssante.fr>',
    });
    expect(n.detail).toContain('messagerie fermée');
    expect(n.detail).not.toContain('279035121518989');
  });

  it('falls back on the ENVID when the original headers are not returned', () => {
    const withoutHeaders = DSN_FAILED.replace(
      /--XX\.boundary\r\nContent-Type: text\/rfc822-headers[\s\S]*?(?=--XX\.boundary--)/,
      '',
    )
      .replace('Action: failed', 'Action: delivered')
      .replace(
        'Original-Envelope-Id: <abc.rayon@imagerie-demo.mssante.fr>',
        'Original-Envelope-Id: <x+2By.rayon@d.fr>',
      );
    const n = parseMssanteNotification(withoutHeaders);
    expect(n).toMatchObject({ type: 'dsn', kind: 'delivered', originalMessageId: '<x+y.rayon@d.fr>' });
  });

  it('reads the IG’s MDN example as a processing error with its code and label', () => {
    const n = parseMssanteNotification(IG_MDN);
    expect(n).toMatchObject({
      type: 'mdn',
      kind: 'processing_failed',
      originalMessageId: '<199509192301.23456>',
      error: { code: '902', label: 'Identifiant de patient inconnu' },
      finalRecipient: 'serviceY_auto@chb.mssante.fr',
      messageId: '<199509200019.12345>',
    });
  });

  it('reads read and processed MDNs', () => {
    expect(parseMssanteNotification(mdn('manual-action/MDN-sent-manually; displayed'))).toMatchObject({
      type: 'mdn',
      kind: 'displayed',
      originalMessageId: '<abc.rayon@imagerie-demo.mssante.fr>',
    });
    expect(parseMssanteNotification(mdn('automatic-action/MDN-sent-automatically; processed'))).toMatchObject(
      {
        kind: 'processed',
        detail: 'automatic-action/MDN-sent-automatically; processed',
      },
    );
    expect(parseMssanteNotification(mdn('manual-action/MDN-sent-manually; deleted'))).toMatchObject({
      kind: 'deleted',
    });
  });

  it('refuses what is not a notification', () => {
    expect(() => parseMssanteNotification('Subject: hello\r\n\r\nbody')).toThrow(NotificationParseError);
    expect(() => parseMssanteNotification(mdn('automatic-action/MDN-sent-automatically; exploded'))).toThrow(
      /unknown disposition type/,
    );
  });
});

// ig-struct-email-standard.md example (body shortened), sent as UTF-8 with an encoded subject.
const STANDARD_KO = crlf(`Date: Wed, 20 Feb 2024 00:19:00 -0400
From: serviceY_auto@chb.mssante.fr
To: serviceY@chb.mssante.fr
Message-ID: <199509200019.12345@chb.mssante.fr>
Subject: =?UTF-8?B?${Buffer.from('[Erreur d’intégration !][902] XDM/1.0/DDM+ECHOGRAPHIE ABDOMINOPELVIENNE CORSE FIGATELLIX 12/10/1988').toString('base64')}?=
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="boundary12345"

--boundary12345
Content-Type: text/plain; charset="UTF-8"
Content-Transfer-Encoding: 8bit

Bonjour,

Le document envoyé n’a pas pu être intégré correctement dans le système.
- Erreur détectée : Identifiant de patient inconnu
- Code d’erreur : 902

--boundary12345
Content-Type: message/rfc822
Content-Disposition: attachment; filename="message_original.eml"

From: serviceX@cha.mssante.fr
Message-ID: <original.1@cha.mssante.fr>
Subject: XDM/1.0/DDM+ECHOGRAPHIE

corps
--boundary12345--
`);

describe('MSSanté standard error mail', () => {
  it('reads the IG’s "courriel standard" as an integration error of the attached original', () => {
    expect(parseMssanteNotification(STANDARD_KO)).toMatchObject({
      type: 'mail',
      kind: 'processing_failed',
      originalMessageId: '<original.1@cha.mssante.fr>',
      error: { code: '902', label: 'Identifiant de patient inconnu' },
    });
  });
});

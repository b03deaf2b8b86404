/**
 * The API speaks English (its messages are for developers and logs); the portal speaks French.
 * These are the French versions of the messages a person at the desk can meet, matched on the
 * API's wording. An unknown message is shown as it came, rather than hidden.
 */

type Rule = [RegExp, (m: RegExpExecArray) => string];

const FINAL_STATUS_WORDS: Record<string, string> = {
  completed: 'terminé',
  cancelled: 'annulé',
  discontinued: 'interrompu',
};

const RULES: Rule[] = [
  // Identity vigilance rules (packages/domain/src/identity/identity.ts).
  [
    /^INSi cannot be used for a fictive identity/i,
    () => "l'identité est fictive (RNIV : une identité fictive reste provisoire)",
  ],
  [
    /^INSi cannot be used for a doubtful identity/i,
    () => "l'identité est douteuse (RNIV : une identité douteuse reste provisoire)",
  ],
  [
    /^a fictive identity cannot be validated/i,
    () => 'Une identité fictive ne peut pas être validée (RNIV : elle reste provisoire).',
  ],
  [
    /^a doubtful identity cannot be validated/i,
    () => 'Une identité douteuse ne peut pas être validée (RNIV : elle reste provisoire).',
  ],
  [
    /^a livret de famille or a birth certificate validates the identity of a minor only/i,
    () =>
      "Le livret de famille ou l'extrait d'acte de naissance ne valide que l'identité d'un mineur (RNIV).",
  ],
  [
    /^a livret de famille or a birth certificate must come with/i,
    () =>
      "Le livret de famille ou l'extrait d'acte de naissance doit être présenté avec la pièce d'identité à haut niveau de confiance d'un parent ou du représentant légal (RNIV).",
  ],
  [
    /^the Carte Vitale is not an identity document/i,
    () => "La carte Vitale n'est pas une pièce d'identité : elle ne permet pas de valider l'identité (RNIV).",
  ],
  [
    /^only a high-trust identity document/i,
    () =>
      "Seule une pièce d'identité à haut niveau de confiance (passeport, carte nationale d'identité, titre de séjour) permet de valider l'identité.",
  ],
  // Concurrency and merges (packages/db/src/identity).
  [
    /^the identity was changed by someone else meanwhile/i,
    () => "L'identité a été modifiée entre-temps par quelqu'un d'autre : rechargez la page et recommencez.",
  ],
  [
    /^the identity was changed meanwhile/i,
    () => "L'identité a été modifiée entre-temps : rechargez la page et recommencez.",
  ],
  // Copies of identity documents (apps/api/src/services/identity-documents.ts).
  [
    /^this practice does not keep copies of identity documents/i,
    () => "L'établissement ne conserve pas de copie des pièces d'identité (réglage désactivé).",
  ],
  [/^the document is empty/i, () => 'Le fichier est vide.'],
  [/^this patient was merged into patient/i, () => 'Ce dossier a été fusionné dans un autre dossier.'],
  [/^a patient cannot be merged into itself/i, () => 'Un dossier ne peut pas être fusionné avec lui-même.'],
  [/^the surviving patient was itself merged/i, () => 'Le dossier conservé a lui-même été fusionné.'],
  [/^this patient was already merged/i, () => 'Ce doublon a déjà été fusionné.'],
  [/^a merge must be confirmed/i, () => 'La fusion doit être confirmée.'],
  [/^surviving patient not found/i, () => 'Le dossier conservé est introuvable.'],
  [/^patient to merge not found/i, () => 'Le doublon à fusionner est introuvable.'],
  [/^patient not found/i, () => 'Patient introuvable.'],
  [
    /^identifier (.+) of (.+) already belongs to another patient/i,
    (m) => `L'IPP ${m[1]} (${m[2]}) appartient déjà à un autre patient.`,
  ],
  // INSi answers not taken (applyInsiResult).
  [
    /^the birth date returned by INSi is incomplete/i,
    () =>
      "La date de naissance renvoyée par INSi est incomplète (00 comme jour ou mois) : l'INS n'est pas récupérée.",
  ],
  [
    /^the birth date returned by INSi is not a valid date/i,
    () => "La date de naissance renvoyée par INSi n'est pas une date valide : l'INS n'est pas récupérée.",
  ],
  [/^unknown INS OID (.+)$/i, (m) => `OID d'INS inconnu (${m[1]}) : l'INS n'est pas récupérée.`],
  [
    /^the matricule returned by INSi is invalid/i,
    () => "Le matricule renvoyé par INSi n'est pas valide (clé incorrecte) : l'INS n'est pas récupérée.",
  ],
  [
    /^the traits returned by INSi differ from those checked on the identity document/i,
    () =>
      "Les traits renvoyés par INSi diffèrent de ceux vérifiés sur la pièce d'identité : vérifiez à nouveau la pièce d'identité.",
  ],
  [/^INSi found no identity/i, () => 'INSi ne trouve aucune identité pour ces traits.'],
  [/^INSi found several identities/i, () => 'INSi trouve plusieurs identités pour ces traits.'],
  // Organisation certificates (packages/connectors/src/certificates).
  [
    /^no (INSI-AUTO|INSI-MANU) certificate is configured/i,
    (m) => `aucun certificat ${m[1]} n'est installé pour l'établissement (voir Certificats)`,
  ],
  [
    /^the stored private key cannot be opened/i,
    () =>
      'la clé privée du certificat installé ne peut pas être ouverte : installez à nouveau le certificat (voir Certificats)',
  ],
  [
    /^INSi needs the sex M or F/i,
    () => "INSi demande le sexe Masculin ou Féminin : corrigez d'abord les traits stricts",
  ],
  [/^INSi is not configured on this server/i, () => "INSi n'est pas configuré sur ce serveur"],
  [/^the file is empty/i, () => 'Le fichier est vide.'],
  [
    /^the practice has no FINESS or SIRET/i,
    () =>
      "L'établissement n'a ni FINESS ni SIRET : renseignez-en un avant d'installer un certificat (le certificat est délivré à la structure).",
  ],
  [
    /a PKCS#12 file is a few kilobytes/i,
    () => 'Ce fichier est trop volumineux pour être un certificat PKCS#12.',
  ],
  [/a PKCS#12 file in base64/i, () => "Le fichier n'a pas pu être transmis."],
  [/^certificate not found/i, () => 'Certificat introuvable.'],
  [/^The certificate file is empty/i, () => 'Le fichier du certificat est vide.'],
  [
    /^The file is not a PKCS#12 certificate/i,
    () => "Le fichier n'est pas un certificat PKCS#12 (.p12 / .pfx).",
  ],
  [/^Wrong passphrase/i, () => 'Mot de passe incorrect pour ce fichier PKCS#12.'],
  [
    /^This PKCS#12 file uses an algorithm that is not supported \((.+)\)/i,
    (m) => `Ce fichier PKCS#12 utilise un algorithme non pris en charge (${m[1]}).`,
  ],
  [/^The PKCS#12 file contains no private key/i, () => 'Le fichier PKCS#12 ne contient pas de clé privée.'],
  [/^The PKCS#12 file contains no certificate/i, () => 'Le fichier PKCS#12 ne contient pas de certificat.'],
  [
    /^The PKCS#12 file contains several private keys/i,
    () => 'Le fichier PKCS#12 contient plusieurs clés privées ; une seule est attendue.',
  ],
  [
    /^No certificate of the PKCS#12 file matches its private key/i,
    () => 'Aucun certificat du fichier PKCS#12 ne correspond à sa clé privée.',
  ],
  [
    /^The certificate is not valid yet: valid from (\S+) to (\S+)/i,
    (m) => `Le certificat n'est pas encore valide : valable du ${isoDay(m[1])} au ${isoDay(m[2])}.`,
  ],
  [
    /^The certificate expired on (\S+)/i,
    (m) => `Le certificat a expiré le ${isoDay(m[1])} : déposez le certificat renouvelé.`,
  ],
  [
    /^The certificate is not a client authentication certificate/i,
    () =>
      "Ce certificat n'est pas un certificat d'authentification client : déposez le certificat d'organisation « AUTH_CLI ».",
  ],
  [
    /^The certificate's common name is "(.+)" but INSi requires "(.+)"/i,
    (m) =>
      `Le nom commun (CN) du certificat est « ${m[1]} » alors qu'INSi attend « ${m[2]} » (exactement INSI-AUTO ou INSI-MANU).`,
  ],
  [
    /^The certificate was issued to another structure/i,
    () => 'Ce certificat a été délivré à une autre structure que cet établissement.',
  ],
  // Scheduling (apps/api/src/services/scheduling.ts, packages/domain/src/scheduling).
  [
    /^(\d{4})-(\d{2})-(\d{2}) (\d{2}:\d{2})–(\d{2}:\d{2}) \(Europe\/Paris\) is outside the opening hours of the modality (.+)$/i,
    (m) =>
      `Le créneau du ${m[3]}/${m[2]}/${m[1]} de ${m[4]} à ${m[5]} est en dehors des horaires d'ouverture de ${m[6]}.`,
  ],
  [/^this slot is already booked on this modality/i, () => 'Ce créneau est déjà pris sur cette modalité.'],
  [
    /^this exam has no catalogue entry yet/i,
    () => "Cet examen n'a pas encore d'entrée du catalogue : choisissez-en une.",
  ],
  [/^this exam already has its catalogue entry/i, () => 'Cet examen a déjà son entrée du catalogue.'],
  [/^exam type not in the catalogue/i, () => "Cet examen n'est pas au catalogue."],
  [
    /^a (\w+) exam was requested, not (\w+)/i,
    (m) => `Un examen ${m[1]} a été demandé : choisissez un examen du catalogue de ce type (et non ${m[2]}).`,
  ],
  [
    /^a (\w+) exam cannot be done on a (\w+) modality/i,
    (m) => `Un examen ${m[1]} ne peut pas être réalisé sur une modalité ${m[2]}.`,
  ],
  // Validation refused: the stored data would not make valid documents (report.documents.invalid).
  [
    /^the report's documents cannot be produced: ([\w.]+)/i,
    (m) =>
      `Les documents du compte rendu ne peuvent pas être produits avec les données enregistrées (${m[1]}) : corrigez-les, puis validez.`,
  ],
  // A final status never changes (packages/domain/src/scheduling: scheduling.status.final).
  [
    /^an (exam|order) cannot go from (completed|cancelled|discontinued) to/i,
    (m) =>
      m[1] === 'order'
        ? `Cette demande est ${FINAL_STATUS_WORDS[m[2]!]}e : son statut ne change plus.`
        : `Cet examen est ${FINAL_STATUS_WORDS[m[2]!]} : son statut ne change plus.`,
  ],
  [/^an exam cannot go from (\w+) to (\w+)/i, () => "L'examen a changé entre-temps : rechargez la page."],
  [/^the AE title (.+) is already used/i, (m) => `Le titre AE ${m[1]} est déjà utilisé.`],
  [
    /^an AE title has 1 to 16 characters/i,
    () => 'Le titre AE compte 1 à 16 caractères (lettres, chiffres, _ -), sans accent ni « \\ ».',
  ],
  [/^the modality (.+) is retired/i, (m) => `La modalité ${m[1]} est retirée du service.`],
  [
    /^(\d+) appointment\(s\) are booked on this modality from now on/i,
    (m) =>
      Number(m[1]) > 1
        ? `${m[1]} rendez-vous sont pris sur cette modalité à partir de maintenant : déplacez-les ou annulez-les avant de la retirer.`
        : 'Un rendez-vous est pris sur cette modalité à partir de maintenant : déplacez-le ou annulez-le avant de la retirer.',
  ],
  [
    /^this modality has appointments or performed steps/i,
    () =>
      'Cette modalité a un historique (rendez-vous, examens réalisés) : elle ne peut pas être supprimée, retirez-la.',
  ],
  [/^a referrer with RPPS (\d+) exists/i, (m) => `Un prescripteur de RPPS ${m[1]} existe déjà.`],
  [/^a referrer with ADELI (\w+) exists/i, (m) => `Un prescripteur de n° ADELI ${m[1]} existe déjà.`],
  [
    /^ADELI: 9 characters/i,
    () => 'Le numéro ADELI compte 9 caractères : le département (2 chiffres, 2A ou 2B) puis 7 chiffres.',
  ],
  [/^referrer not found/i, () => 'Prescripteur introuvable.'],
  [/^the period is at most (\d+) days/i, (m) => `La période de recherche est de ${m[1]} jours au plus.`],
  [/^(exam|order|modality|room|site|exam type) not found/i, () => 'Élément introuvable.'],
  // Reports (packages/domain/src/reporting, apps/api/src/services/reports.ts).
  [/^someone else is editing this report/i, () => 'Un autre utilisateur modifie ce compte rendu.'],
  [
    /^the report was changed meanwhile/i,
    () => 'Le compte rendu a été modifié entre-temps : rechargez la page.',
  ],
  [
    /^a report cannot go from (.+) to (.+)$/i,
    (m) =>
      `Un compte rendu ne peut pas passer de l'état « ${m[1]} » à l'état « ${m[2]} » : rechargez la page.`,
  ],
  [
    /^a (.+) report cannot be edited: correct it/i,
    (m) => `Un compte rendu à l'état « ${m[1]} » ne peut plus être modifié : corrigez-le (nouvelle version).`,
  ],
  [
    /^only a radiologist allowed to sign can validate a report/i,
    () => 'Seul un radiologue habilité à signer peut valider un compte rendu.',
  ],
  [
    /^your profile has no RPPS number/i,
    () => "Votre profil n'a pas de numéro RPPS : le compte rendu ne peut pas être signé.",
  ],
  [/^the report is empty/i, () => 'Le compte rendu est vide : rédigez-le avant de le valider.'],
  [
    /^the practice has neither a FINESS nor a SIRET number/i,
    () =>
      "L'établissement n'a ni FINESS ni SIRET : les documents du compte rendu (PDF, CDA) ne peuvent pas être produits, il n'est donc pas validé. Renseignez le FINESS ou le SIRET de l'établissement, puis validez.",
  ],
  [
    /^only a validated report is corrected/i,
    () => 'Seul un compte rendu validé se corrige ; modifiez la version en cours.',
  ],
  [/^this report does not wait for an announcement/i, () => "Ce compte rendu n'attend pas d'annonce."],
  [/^the announcement is already recorded/i, () => "L'annonce est déjà enregistrée."],
  [/^one of these exams already has a report/i, () => 'Un compte rendu existe déjà pour cet examen.'],
  [
    /^exam (\S+) is not acquired yet/i,
    () => "L'examen n'est pas encore réalisé : le compte rendu ne peut pas être rédigé.",
  ],
  [
    /^the exams of one report belong to one order/i,
    () => "Les examens d'un même compte rendu appartiennent à une même demande.",
  ],
  [/^unknown template/i, () => 'Modèle de compte rendu inconnu.'],
  // Distribution settings (apps/api/src/services/deliveries.ts, @rayon/connectors/outbound).
  [
    /^(\S+) is or resolves to an internal address/i,
    (m) =>
      `L'adresse ${m[1]} est ou désigne une adresse interne (boucle locale, réseau privé, lien local ou métadonnées d'hébergement) : la plateforme n'envoie rien vers elle. Indiquez l'adresse publique ou VPN de la PFI.`,
  ],
  [/^report not found/i, () => 'Compte rendu introuvable.'],
  [/^document not found/i, () => 'Document introuvable.'],
  // Generic.
  [/^sign in first/i, () => 'Votre session a expiré : reconnectez-vous.'],
  [/^internal error$/i, () => 'Erreur interne du serveur.'],
];

function isoDay(value: string | undefined): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value ?? '');
  return m ? `${m[3]}/${m[2]}/${m[1]}` : (value ?? '');
}

/** The French version of an API message, or the message itself when it is not a known one. */
export function frenchApiMessage(message: string | null | undefined): string {
  if (!message) return '';
  const text = message.replace(/^[\w.]+: /, (prefix) => (/^[a-z][\w.]*: $/.test(prefix) ? '' : prefix));
  for (const [re, fr] of RULES) {
    const m = re.exec(text);
    if (m) return fr(m);
  }
  return message;
}

/** A sentence starting with a capital letter (for messages shown on their own). */
export function sentence(text: string): string {
  return text ? text.charAt(0).toUpperCase() + text.slice(1) : text;
}

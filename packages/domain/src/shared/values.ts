/**
 * Closed vocabularies are `as const` arrays (statuses, modality types, sexes…); this tells
 * whether a string read from outside (a message, a form, a stored row) is one of their values,
 * and narrows it to the union when it is.
 */
export const isOneOf = <T extends string>(
  values: readonly T[],
  value: string | null | undefined,
): value is T => (values as readonly (string | null | undefined)[]).includes(value);

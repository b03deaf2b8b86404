import type { ApiClient } from '../../../../../../server/api.ts';

/** What `identity.callInsi` answers. */
export type InsiCallResult = Awaited<ReturnType<ApiClient['identity']['callInsi']['mutate']>>;
type InsiChange = InsiCallResult['changes'][number];

/** Result of a small identity action (attribute toggle, document check). */
export interface ActionState {
  attempt: number;
  error: string | null;
  notice: string | null;
  /** Version of the identity the notice is about: shown only while it is the current one. */
  savedVersion?: number;
}

export const INITIAL_ACTION_STATE: ActionState = { attempt: 0, error: null, notice: null };

/** What the "Appeler INSi" button shows. */
export interface InsiState {
  attempt: number;
  result: {
    outcome: InsiCallResult['outcome'];
    code: InsiCallResult['code'];
    /** Why the answer was not taken (or what to check again), in French. */
    reason: string | null;
    changes: InsiChange[];
    status: string;
  } | null;
  error: string | null;
}

export const INITIAL_INSI_STATE: InsiState = { attempt: 0, result: null, error: null };

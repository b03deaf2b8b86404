'use client';

import { useEffect } from 'react';

/**
 * Whether the person is using the portal, shared by all its tabs (localStorage), so that pages
 * refreshing themselves (<AutoRefresh>) do not keep a session alive on a screen left alone: once
 * no tab has seen a key, a touch or the mouse for a minute, their refreshes carry a short-lived
 * cookie the portal turns into `x-rayon-unattended` for the API, which then does not count them
 * as activity for the idle timeout. Any activity in any tab clears it before the request it
 * starts.
 */

/** Mirrors UNATTENDED_COOKIE of server/api.ts (a client component cannot import server code). */
const UNATTENDED_COOKIE = 'rayon-unattended';
const LAST_ACTIVITY_KEY = 'rayon-last-activity';
export const UNATTENDED_AFTER_MS = 60_000;
const ACTIVITY = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart'] as const;
/** localStorage is written at most this often (pointermove fires a lot). */
const WRITE_EVERY_MS = 5_000;

let lastWritten = 0;

function readStored(): number {
  try {
    return Number(window.localStorage.getItem(LAST_ACTIVITY_KEY) ?? 0);
  } catch {
    return 0;
  }
}

/** The last time any tab of the portal saw the person (ms since the epoch). */
export function lastActivityAt(): number {
  return Math.max(lastWritten, readStored());
}

function recordActivity() {
  const now = Date.now();
  if (document.cookie.includes(`${UNATTENDED_COOKIE}=1`)) markUnattended(false);
  if (now - lastWritten < WRITE_EVERY_MS) return;
  lastWritten = now;
  try {
    window.localStorage.setItem(LAST_ACTIVITY_KEY, String(now));
  } catch {
    // Storage refused (private mode): this tab's own memory still counts.
  }
}

/** Sets (for `seconds`, renewed by each refresh) or clears the unattended mark. */
export function markUnattended(on: boolean, seconds = 5) {
  document.cookie = on
    ? `${UNATTENDED_COOKIE}=1; path=/; max-age=${seconds}; SameSite=Strict`
    : `${UNATTENDED_COOKIE}=; path=/; max-age=0; SameSite=Strict`;
}

/** Mounted once in the root layout: every page notes the person's activity. */
export function ActivityTracker() {
  useEffect(() => {
    recordActivity();
    for (const type of ACTIVITY) {
      window.addEventListener(type, recordActivity, { capture: true, passive: true });
    }
    return () => {
      for (const type of ACTIVITY) window.removeEventListener(type, recordActivity, { capture: true });
    };
  }, []);
  return null;
}

/**
 * Plays the browser's part against the simulator, for tests that have no browser: follows the
 * simulator's redirects with fetch, keeps its cookies (the PSC session), posts the login form
 * with the chosen professional and scenario, and stops at the first redirect that leaves the
 * simulator (the client's redirect_uri or post_logout_redirect_uri), which it returns.
 * Only the simulator's cookies are kept: the client's own cookies are the test's business.
 */
import type { PscScenario } from './pages.ts';
import type { PscProfessionalKey } from './professionals.ts';

export interface PscBrowserOptions {
  /** The simulator's origin (PscSimulator.url). */
  origin: string;
  /** Another fetch (e.g. one trusting a test CA for an HTTPS simulator). */
  fetch?: typeof globalThis.fetch;
}

const unescapeHtml = (s: string) =>
  s.replace(
    /&(amp|lt|gt|quot|#39);/g,
    (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e]!,
  );

/** The first form of a page: its action and hidden inputs. */
function firstForm(html: string): { action: string; inputs: Record<string, string> } | undefined {
  const form = /<form\b[^>]*\baction="([^"]*)"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) return undefined;
  const inputs: Record<string, string> = {};
  for (const m of (form[2] as string).matchAll(/<input\b[^>]*>/gi)) {
    const name = /\bname="([^"]*)"/.exec(m[0])?.[1];
    const value = /\bvalue="([^"]*)"/.exec(m[0])?.[1] ?? '';
    if (name && /\btype="hidden"/i.test(m[0])) inputs[unescapeHtml(name)] = unescapeHtml(value);
  }
  return { action: unescapeHtml(form[1] as string), inputs };
}

export class PscBrowser {
  readonly #origin: string;
  readonly #fetch: typeof globalThis.fetch;
  readonly #cookies = new Map<string, string>();

  constructor(options: PscBrowserOptions) {
    this.#origin = new URL(options.origin).origin;
    this.#fetch = options.fetch ?? globalThis.fetch;
  }

  /** The simulator cookies held (name → value), e.g. to check the session is gone. */
  cookies(): ReadonlyMap<string, string> {
    return this.#cookies;
  }

  async #request(
    url: string,
    init: { method?: string; form?: Record<string, string> } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = {};
    if (this.#cookies.size) {
      headers.cookie = [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    }
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const response = await this.#fetch(url, {
      method: init.method ?? 'GET',
      headers,
      body,
      redirect: 'manual',
    });
    for (const c of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = c.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      const expired = attributes.some(
        (a) => /^\s*expires=/i.test(a) && Date.parse(a.split('=')[1] ?? '') <= Date.now(),
      );
      if (!value || expired) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
    return response;
  }

  /**
   * Follows redirects and submits forms until a redirect leaves the simulator; returns its URL.
   * `onPage` decides what to post on each simulator page (or throws when the page is unexpected).
   */
  async #run(
    start: string,
    onPage: (url: string, html: string) => { action: string; form: Record<string, string> },
  ): Promise<string> {
    let next: { url: string; method?: string; form?: Record<string, string> } = { url: start };
    for (let hops = 0; hops < 20; hops++) {
      const response = await this.#request(next.url, next);
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        await response.body?.cancel();
        const target = new URL(location, next.url).href;
        if (new URL(target).origin !== this.#origin) return target;
        next = { url: target };
        continue;
      }
      const html = await response.text();
      if (response.status !== 200) {
        throw new Error(`psc-sim browser: ${response.status} at ${next.url}: ${html.slice(0, 300)}`);
      }
      const { action, form } = onPage(next.url, html);
      next = { url: new URL(action, next.url).href, method: 'POST', form };
    }
    throw new Error('psc-sim browser: too many redirects');
  }

  /**
   * Opens an authorization URL, logs in as `professional` (scenario as posted by the login page;
   * unset: the simulator's next scenario, `normal` by default) and returns the redirect to the
   * client: `<redirect_uri>?code=…&state=…` (or `?error=…`). Without a login page (the PSC session
   * already exists) the redirect is returned as is.
   */
  authorize(
    authorizationUrl: string,
    login: { professional: PscProfessionalKey | (string & {}); scenario?: PscScenario },
  ): Promise<string> {
    return this.#run(authorizationUrl, (url, html) => {
      const form = firstForm(html);
      if (!/\/interaction\//.test(url) || !form) {
        throw new Error(`psc-sim browser: unexpected page at ${url}`);
      }
      return {
        action: form.action,
        form: { professional: login.professional, ...(login.scenario ? { scenario: login.scenario } : {}) },
      };
    });
  }

  /**
   * Opens an end_session URL (`…/logout?id_token_hint=…&post_logout_redirect_uri=…&state=…`), submits
   * the logout form (auto-submitted in a real browser) and returns where PSC sends the browser:
   * the post_logout_redirect_uri with `state`, or the simulator's « déconnecté » page URL.
   */
  logout(endSessionUrl: string): Promise<string> {
    let submitted = false;
    return this.#run(endSessionUrl, (url, html) => {
      if (submitted && /\/logout\/success/.test(url)) throw new LoggedOut(url);
      const form = firstForm(html);
      if (!form) throw new Error(`psc-sim browser: unexpected page at ${url}`);
      submitted = true;
      return { action: form.action, form: form.inputs };
    }).catch((err: unknown) => {
      if (err instanceof LoggedOut) return err.url;
      throw err;
    });
  }
}

class LoggedOut extends Error {
  readonly url: string;
  constructor(url: string) {
    super('logged out');
    this.url = url;
  }
}

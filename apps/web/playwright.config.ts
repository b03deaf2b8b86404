import { defineConfig, devices } from '@playwright/test';

/**
 * End-to-end tests of the portal in Debian's Chromium (never a downloaded browser). The stack
 * (PostgreSQL, Redis, api, worker, the built portal) is started by infra/scripts/e2e-setup.ts,
 * which sets RAYON_E2E_BASE_URL and the platform administrator's credentials. Build the portal
 * first: `pnpm build && pnpm test:e2e`.
 */
export default defineConfig({
  testDir: './e2e',
  globalSetup: '../../infra/scripts/e2e-setup.ts',
  workers: 1,
  retries: 0,
  fullyParallel: false,
  forbidOnly: true,
  reporter: 'list',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  outputDir: './test-results',
  use: {
    baseURL: process.env.RAYON_E2E_BASE_URL,
    locale: 'fr-FR',
    timezoneId: 'Europe/Paris',
    trace: 'retain-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: {
          executablePath: '/usr/bin/chromium',
          args: [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
          ],
        },
      },
    },
  ],
});

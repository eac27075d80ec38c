/**
 * Headless Chromium for the end-to-end tests: the Debian `chromium` binary driven by playwright-core
 * (browser downloads are blocked here; `.ci/run` installs the package). Every page's console errors,
 * page errors and failed requests are collected, so a test can assert the page stayed clean.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';

const CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Screenshots land here (gitignored); CI keeps them as the run's artifacts. */
export const ARTIFACTS = fileURLToPath(new URL('../../../.tmp/artifacts/e2e/', import.meta.url));

export function chromiumPath(): string {
  const found = process.env['CHROMIUM_PATH'] ?? CHROMIUM_PATHS.find((p) => existsSync(p));
  if (!found) {
    throw new Error(
      'Chromium is not installed: run `apt-get install -y chromium` (.ci/run does) or set CHROMIUM_PATH',
    );
  }
  return found;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: ARGS, timeout: 60_000 });
}

export interface WatchedPage {
  page: Page;
  /** Console errors and warnings, uncaught page errors, failed requests — in order. */
  problems: string[];
  screenshot(name: string): Promise<string>;
}

export async function openPage(
  browser: Browser,
  url: string,
  options: { width?: number; height?: number; ignore?: RegExp[] } = {},
): Promise<WatchedPage> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
    acceptDownloads: true,
  });
  const page = await context.newPage();
  const problems: string[] = [];
  const ignored = (text: string) => options.ignore?.some((re) => re.test(text)) ?? false;
  page.on('console', (message) => {
    const type = message.type();
    if ((type === 'error' || type === 'warning') && !ignored(message.text())) {
      problems.push(`console.${type}: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('requestfailed', (request) => {
    const text = `${request.method()} ${request.url()}: ${request.failure()?.errorText ?? 'failed'}`;
    if (!ignored(text)) problems.push(`requestfailed: ${text}`);
  });
  await page.goto(url, { waitUntil: 'load' });
  mkdirSync(ARTIFACTS, { recursive: true });
  return {
    page,
    problems,
    async screenshot(name) {
      const file = path.join(ARTIFACTS, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
  };
}

/** Drops a file made in the page (so no temp file is needed) onto `selector`, as a user's drag would. */
export async function dropFile(
  page: Page,
  selector: string,
  file: { name: string; type: string; text: string },
): Promise<void> {
  const transfer = await page.evaluateHandle((f) => {
    const data = new DataTransfer();
    data.items.add(new File([f.text], f.name, { type: f.type }));
    return data;
  }, file);
  await page.dispatchEvent(selector, 'dragenter', { dataTransfer: transfer });
  await page.dispatchEvent(selector, 'dragover', { dataTransfer: transfer });
  await page.dispatchEvent(selector, 'drop', { dataTransfer: transfer });
}

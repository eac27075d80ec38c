/**
 * Connection settings remembered in localStorage. The token can also arrive in the URL fragment
 * (`#token=…`, as `pnpm start` prints it): it is read, stored, and removed from the address bar so it
 * does not linger in history or screenshots. The fragment never reaches the server.
 */

const WORKER_URL_KEY = 'haul.playground.workerUrl';
const TOKEN_KEY = 'haul.playground.token';

export interface Settings {
  workerUrl: string;
  token: string;
}

/** The page's own origin, when it was served over http(s) (the worker serves it). */
export function defaultWorkerUrl(): string {
  return location.protocol === 'http:' || location.protocol === 'https:' ? location.origin : '';
}

export function loadSettings(): Settings {
  const fromFragment = takeTokenFromFragment();
  if (fromFragment !== undefined) storeItem(TOKEN_KEY, fromFragment);
  return {
    workerUrl: readItem(WORKER_URL_KEY) || defaultWorkerUrl(),
    token: fromFragment ?? readItem(TOKEN_KEY) ?? '',
  };
}

export function saveSettings(settings: Settings): void {
  // The default is not stored, so the page follows the origin it is served from.
  if (settings.workerUrl === defaultWorkerUrl()) removeItem(WORKER_URL_KEY);
  else storeItem(WORKER_URL_KEY, settings.workerUrl);
  storeItem(TOKEN_KEY, settings.token);
}

function takeTokenFromFragment(): string | undefined {
  if (!location.hash.startsWith('#')) return undefined;
  const params = new URLSearchParams(location.hash.slice(1));
  const token = params.get('token');
  if (token === null) return undefined;
  params.delete('token');
  const rest = params.toString();
  history.replaceState(history.state, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
  return token.trim();
}

// localStorage throws in some privacy modes and sandboxed frames: settings then last for the visit.
function readItem(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function storeItem(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // not remembered; still used for this visit
  }
}

function removeItem(key: string): void {
  try {
    localStorage.removeItem(key);
  } catch {
    // nothing stored
  }
}

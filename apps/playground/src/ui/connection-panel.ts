/**
 * Where the page gets its database: a Haul worker (URL + token, remembered in localStorage; the token
 * may also come in the URL fragment) or offline mode, PGlite running in this tab (loaded on demand).
 */
import type { Engine } from '../engine/contract.ts';
import { connectWorkerEngine } from '../engine/worker-engine.ts';
import type { AppState, ConnectionState } from '../state/app-state.ts';
import { loadSettings, saveSettings } from '../state/settings.ts';
import { field, h, section } from './dom.ts';
import { TEST_IDS } from './test-ids.ts';

/** How long connecting (health, token, a first query) may take before the page says so. */
const CONNECT_TIMEOUT_MS = 15_000;

export function connectionPanel(state: AppState): HTMLElement {
  const settings = loadSettings();
  const workerUrl = h('input', {
    type: 'url',
    testId: TEST_IDS.workerUrl,
    value: settings.workerUrl,
    placeholder: 'http://127.0.0.1:8787',
    autocomplete: 'url',
    spellcheck: 'false',
  });
  const token = h('input', {
    type: 'password',
    testId: TEST_IDS.token,
    value: settings.token,
    autocomplete: 'current-password',
    spellcheck: 'false',
  });
  // A hidden username field keeps password managers (and Chromium's console hints) happy.
  const username = h('input', {
    type: 'text',
    name: 'username',
    value: 'haul',
    autocomplete: 'username',
    hidden: true,
  });
  const connect = h('button', { type: 'submit', testId: TEST_IDS.connect, class: 'primary' }, 'Connect');
  const offline = h('button', { type: 'button', testId: TEST_IDS.offline }, 'Offline (PGlite)');
  const status = h('p', {
    class: 'status',
    role: 'status',
    'aria-live': 'polite',
    testId: TEST_IDS.connectionStatus,
  });

  const showStatus = (connection: ConnectionState) => {
    status.dataset['state'] = connection.status;
    status.textContent = connection.message;
    const busy = connection.status === 'connecting';
    connect.disabled = busy;
    offline.disabled = busy;
  };
  showStatus(state.connection.value);
  state.connection.subscribe(showStatus);

  let attempt = 0;
  const use = async (label: string, open: () => Promise<Engine>) => {
    const mine = ++attempt;
    state.connection.set({ status: 'connecting', message: `Connecting to ${label}…` });
    try {
      const engine = await open();
      if (mine !== attempt) {
        await engine.close();
        return;
      }
      const previous = state.engine.value;
      state.engine.set(engine);
      state.connection.set({ status: 'connected', message: `Connected: ${engine.label}` });
      if (previous && previous !== engine) await previous.close().catch(() => {});
    } catch (error) {
      if (mine !== attempt) return;
      state.connection.set({
        status: 'error',
        message: error instanceof Error ? error.message : String(error),
      });
    }
  };

  const connectWorker = () => {
    saveSettings({ workerUrl: workerUrl.value.trim(), token: token.value.trim() });
    // A worker that accepts the connection but never answers must not leave the panel connecting forever.
    return use(workerUrl.value.trim() || 'the worker', () =>
      connectWorkerEngine(workerUrl.value, token.value, AbortSignal.timeout(CONNECT_TIMEOUT_MS)),
    );
  };

  const form = h(
    'form',
    {
      class: 'connection-form',
      'aria-label': 'Worker connection',
      onsubmit: (event: SubmitEvent) => {
        event.preventDefault();
        void connectWorker();
      },
    },
    username,
    field('Worker URL', workerUrl),
    field('Token', token, 'printed by pnpm start; also accepted as #token=… in the address'),
    h('div', { class: 'actions' }, connect, offline),
  );
  offline.addEventListener('click', () => {
    void use('PGlite in this tab', async () => {
      const { createOfflineEngine } = await import('../engine/offline/index.ts');
      return createOfflineEngine();
    });
  });

  // Someone who opened the link pnpm start printed (or came back) is connected straight away.
  if (settings.token && settings.workerUrl) void connectWorker();
  else {
    state.connection.set({
      status: 'disconnected',
      message:
        'Not connected: enter the token pnpm start printed, or try Offline (PGlite) with no server at all.',
    });
  }
  return section('Connection', form, status);
}

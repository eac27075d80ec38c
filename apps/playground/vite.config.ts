/**
 * Vite config for the playground. `vite build` writes dist/ (the worker serves it: `pnpm start`);
 * `vite` (pnpm --filter @haul/playground dev) serves the sources and proxies the API — /v1 (the
 * WebSocket proxy included) and /healthz — to the worker at HAUL_WORKER_URL (default 127.0.0.1:8787).
 */
import { defineConfig } from 'vite';

const worker = process.env['HAUL_WORKER_URL'] ?? 'http://127.0.0.1:8787';

export default defineConfig({
  // Relative asset URLs: the page works wherever it is mounted.
  base: './',
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    // The offline chunk (PGlite's JS, loaded only for offline mode) is ~550 kB; the main one ~160 kB.
    chunkSizeWarningLimit: 1024,
    rolldownOptions: {
      onwarn(warning, warn) {
        // PGlite's Emscripten glue uses eval on purpose; nothing to act on here.
        if (warning.code === 'EVAL' && warning.id?.includes('@electric-sql/pglite')) return;
        warn(warning);
      },
    },
  },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/v1': { target: worker, ws: true, changeOrigin: true },
      '/healthz': { target: worker, changeOrigin: true },
    },
  },
});

/**
 * The Deno adapter through the conformance suite. The Deno global exists only under Deno, so under
 * Node this file skips; `runtimes.test.ts` runs it with vitest inside Deno.
 */
import { describe, it } from 'vitest';
import { denoSocket } from '../../src/adapters/deno.ts';
import { socketCases } from '../socket.case.ts';

if ('Deno' in globalThis) {
  socketCases('deno', {
    factory: () => denoSocket,
    skip: { 'tls unverified': 'Deno.startTls always verifies certificates (no rejectUnauthorized: false)' },
  });
} else {
  describe.skip('socket conformance: deno (needs the Deno runtime; run by runtimes.test.ts)', () =>
    it('deno', () => {}));
}

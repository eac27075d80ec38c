/**
 * The Bun adapter through the conformance suite. Bun globals exist only under Bun, so under Node this
 * file skips; `runtimes.test.ts` runs it with vitest inside Bun.
 */
import { describe, it } from 'vitest';
import { bunSocket } from '../../src/adapters/bun.ts';
import { socketCases } from '../socket.case.ts';

if ('Bun' in globalThis) socketCases('bun', { factory: () => bunSocket });
else
  describe.skip('socket conformance: bun (needs the Bun runtime; run by runtimes.test.ts)', () =>
    it('bun', () => {}));

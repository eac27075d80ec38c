#!/usr/bin/env node
// The `haul` executable: the CLI is TypeScript run in place, so register tsx's loader (works on
// Node 20, which cannot strip types itself) and hand over to src/cli/main.ts.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');

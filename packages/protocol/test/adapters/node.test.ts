import { nodeSocket } from '../../src/adapters/node.ts';
import { socketCases } from '../socket.case.ts';

socketCases('node', { factory: () => nodeSocket });

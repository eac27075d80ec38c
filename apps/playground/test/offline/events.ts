/** Collecting a load's events for assertions. */
import type { LoadEvent } from '../../src/engine/contract.ts';

export interface Collected {
  events: LoadEvent[];
  onEvent: (event: LoadEvent) => void;
  of<T extends LoadEvent['type']>(type: T): Extract<LoadEvent, { type: T }>[];
}

export function collect(): Collected {
  const events: LoadEvent[] = [];
  return {
    events,
    onEvent: (event) => events.push(event),
    of: <T extends LoadEvent['type']>(type: T) =>
      events.filter((event): event is Extract<LoadEvent, { type: T }> => event.type === type),
  };
}

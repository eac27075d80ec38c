/** What every route and middleware of the Hono app shares: its context variables and its dependencies. */
import type { WorkerConfig, WorkerRuntime } from './app-contract.ts';
import type { Deadline } from './http/deadline.ts';

export interface AppEnv {
  Variables: { deadline: Deadline };
}

/** What route modules need from the app. */
export interface RouteDeps {
  config: WorkerConfig;
  runtime: WorkerRuntime;
}

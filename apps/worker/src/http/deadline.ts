/**
 * The request time limit, and the one AbortSignal every route hands to the database work: it aborts
 * when config.requestTimeoutMs passes or the client disconnects. A streamed response outlives the
 * handler, so a route that streams calls `holdUntil(done)` to keep the timer running until the stream
 * ends; otherwise the timer stops when the handler returns.
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { HttpError } from './error-body.ts';
import { errorResponse } from './errors.ts';

export interface Deadline {
  /** Aborts on the time limit, on client disconnect, or on `abort()`. */
  readonly signal: AbortSignal;
  /** Keeps the time limit armed until `done` settles (streamed responses). */
  holdUntil(done: Promise<unknown>): void;
  abort(reason: Error): void;
}

export function deadline(timeoutMs: number): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const controller = new AbortController();
    const timer = setTimeout(() => {
      controller.abort(
        new HttpError(
          504,
          `the request ran longer than the ${timeoutMs} ms time limit (HAUL_REQUEST_TIMEOUT_MS) and was aborted`,
        ),
      );
    }, timeoutMs);
    // Captured now: later middleware (body limits) may replace c.req.raw with a copy.
    const clientSignal = c.req.raw.signal;
    const onClientGone = () => controller.abort(new HttpError(499 as 400, 'the client disconnected'));
    clientSignal.addEventListener('abort', onClientGone, { once: true });
    const release = () => {
      clearTimeout(timer);
      clientSignal.removeEventListener('abort', onClientGone);
    };
    let held: Promise<unknown> | undefined;
    c.set('deadline', {
      signal: controller.signal,
      holdUntil: (done) => {
        held = done;
      },
      abort: (reason) => controller.abort(reason),
    });

    const aborted = new Promise<'aborted'>((resolve) => {
      controller.signal.addEventListener('abort', () => resolve('aborted'), { once: true });
    });
    try {
      const winner = await Promise.race([next().then(() => 'done' as const), aborted]);
      // The handler is still running (it has the signal and will wind down); answer now.
      if (winner === 'aborted' && held === undefined) return errorResponse(c, controller.signal.reason);
    } finally {
      if (held) held.finally(release).catch(() => {});
      else release();
    }
  };
}

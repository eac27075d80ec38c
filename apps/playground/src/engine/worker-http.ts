/**
 * fetch() against the worker with the bearer token, turning every way a request can fail into an
 * EngineError whose message says what to do: the worker unreachable, the token refused (401), the
 * database unreachable (502), or the worker's own `{ error: … }` body.
 */
import type { ErrorResponse } from '@haul/worker/contract';
import { EngineError, type ErrorBody } from './contract.ts';

export class WorkerHttp {
  constructor(
    /** Base URL without a trailing slash, e.g. `http://127.0.0.1:8787`. */
    readonly baseUrl: string,
    readonly token: string,
  ) {}

  url(path: string, query?: URLSearchParams): string {
    const search = query && [...query].length > 0 ? `?${query}` : '';
    return `${this.baseUrl}${path}${search}`;
  }

  /** A successful response, or a thrown EngineError (an abort is rethrown as it is). */
  async request(path: string, init: RequestInit & { query?: URLSearchParams } = {}): Promise<Response> {
    const { query, ...rest } = init;
    const headers = new Headers(rest.headers);
    headers.set('Authorization', `Bearer ${this.token}`);
    let response: Response;
    try {
      response = await fetch(this.url(path, query), { ...rest, headers });
    } catch (error) {
      if (isAbort(error)) throw error;
      throw unreachable(this.baseUrl, error);
    }
    if (!response.ok) throw await errorFromResponse(response);
    return response;
  }

  async json<T>(path: string, init: RequestInit & { query?: URLSearchParams } = {}): Promise<T> {
    const response = await this.request(path, init);
    return (await response.json()) as T;
  }
}

export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

export function unreachable(baseUrl: string, error: unknown): EngineError {
  const why = error instanceof Error ? error.message : String(error);
  return new EngineError(
    `Cannot reach the worker at ${baseUrl} (${why}). Is it running (pnpm start), and is the URL right?`,
    undefined,
    undefined,
  );
}

/** The worker's `{ error: { message, … } }` body as an EngineError with a message for people. */
export async function errorFromResponse(response: Response): Promise<EngineError> {
  let info: ErrorBody | undefined;
  try {
    const body = (await response.json()) as Partial<ErrorResponse>;
    if (body && typeof body.error?.message === 'string') info = body.error;
  } catch {
    // not JSON: a proxy's error page, or not a Haul worker at all
  }
  const detail = info?.message ?? `${response.status} ${response.statusText}`.trim();
  let message: string;
  if (response.status === 401) {
    message = `The worker refused the token (401: ${detail}). Use the token that pnpm start printed.`;
  } else if (response.status === 502) {
    message = `The worker cannot reach the database (502): ${detail}`;
  } else if (response.status === 504) {
    message = `The worker gave up waiting (504): ${detail}`;
  } else {
    message = info ? detail : `The worker answered ${detail}.`;
  }
  return new EngineError(message, response.status, info);
}

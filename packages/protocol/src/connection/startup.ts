/**
 * The startup phase after the socket (and TLS) is up: StartupMessage, authentication, then
 * BackendKeyData/ParameterStatus until the first ReadyForQuery. A small state machine fed one backend
 * message at a time; it writes replies through `send` and reports the outcome once.
 */
import { md5PasswordMessage } from '../auth/md5.ts';
import { ScramSha256 } from '../auth/scram.ts';
import { AuthError, PostgresError, ProtocolError } from '../errors.ts';
import type { BackendMessage } from '../messages/backend.ts';
import {
  password as passwordMessage,
  saslInitialResponse,
  saslResponse,
  startup,
} from '../messages/frontend.ts';
import type { Writer } from '../wire/writer.ts';
import type { ResolvedConfig } from './config.ts';

export interface StartupResult {
  processId: number;
  secretKey: number;
  parameters: Map<string, string>;
}

export class Startup {
  private scram: ScramSha256 | null = null;
  private result: StartupResult = { processId: 0, secretKey: 0, parameters: new Map() };
  /** Messages are handled strictly in order, even though SCRAM steps are async. */
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly config: ResolvedConfig,
    private readonly w: Writer,
    private readonly send: () => void,
    private readonly done: (outcome: StartupResult | Error) => void,
  ) {}

  begin(): void {
    startup(this.w, this.config.startupParams);
    this.send();
  }

  handle(message: BackendMessage): void {
    this.chain = this.chain
      .then(() => this.step(message))
      .catch((error: unknown) => this.done(toError(error)));
  }

  private requirePassword(method: string): string {
    if (this.config.password === undefined) {
      throw new AuthError(`the server asked for ${method} authentication but no password was given`);
    }
    return this.config.password;
  }

  private async step(message: BackendMessage): Promise<void> {
    switch (message.type) {
      case 'AuthenticationOk':
        // A server that skips SASLFinal would never prove it knows the password: refuse it.
        if (this.scram && !this.scram.completed) {
          throw new AuthError(
            'server ended SCRAM authentication without proving its identity (no SASLFinal)',
          );
        }
        return;
      case 'AuthenticationCleartextPassword':
        passwordMessage(this.w, this.requirePassword('password'));
        return this.send();
      case 'AuthenticationMD5Password':
        passwordMessage(
          this.w,
          md5PasswordMessage(this.config.user, this.requirePassword('md5'), message.salt),
        );
        return this.send();
      case 'AuthenticationSASL': {
        if (!message.mechanisms.includes(ScramSha256.mechanism)) {
          throw new AuthError(
            `no supported SASL mechanism offered (server offers ${message.mechanisms.join(', ')})`,
          );
        }
        this.scram = new ScramSha256(this.requirePassword('SCRAM-SHA-256'));
        saslInitialResponse(this.w, ScramSha256.mechanism, this.scram.clientFirstMessage());
        return this.send();
      }
      case 'AuthenticationSASLContinue': {
        if (!this.scram) throw new ProtocolError('SASLContinue before SASL started');
        saslResponse(this.w, await this.scram.clientFinalMessage(message.data));
        return this.send();
      }
      case 'AuthenticationSASLFinal':
        if (!this.scram) throw new ProtocolError('SASLFinal before SASL started');
        this.scram.verifyServerFinal(message.data);
        return;
      case 'AuthenticationUnsupported':
        throw new AuthError(
          `unsupported authentication method (code ${message.code}); use trust, password, md5 or scram-sha-256`,
        );
      case 'BackendKeyData':
        this.result.processId = message.processId;
        this.result.secretKey = message.secretKey;
        return;
      case 'ParameterStatus':
        this.result.parameters.set(message.name, message.value);
        return;
      case 'NegotiateProtocolVersion':
        return;
      case 'NoticeResponse':
        this.config.onNotice?.(message.fields);
        return;
      case 'ErrorResponse':
        throw new PostgresError(message.fields);
      case 'ReadyForQuery':
        this.done(this.result);
        return;
      default:
        throw new ProtocolError(`unexpected ${message.type} during startup`);
    }
  }
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

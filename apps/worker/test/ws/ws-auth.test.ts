/** Admission rules for GET /v1/ws (routes/ws-auth.ts), without any network. */
import { describe, expect, it } from 'vitest';
import { admitWsRequest, parseAddress, timingSafeEqualString } from '../../src/ws/admission.ts';

const config = { token: 's3cret', allowedHosts: ['127.0.0.1:5432', '[::1]:5432'] };
const url = (query: string) => new URL(`http://proxy/v1/ws?${query}`);

describe('timingSafeEqualString', () => {
  it('matches only equal strings', () => {
    expect(timingSafeEqualString('s3cret', 's3cret')).toBe(true);
    expect(timingSafeEqualString('s3cre', 's3cret')).toBe(false);
    expect(timingSafeEqualString('s3cretx', 's3cret')).toBe(false);
    expect(timingSafeEqualString('', 's3cret')).toBe(false);
    expect(timingSafeEqualString('S3cret', 's3cret')).toBe(false);
    expect(timingSafeEqualString('ü', 'ü')).toBe(true);
  });
});

describe('parseAddress', () => {
  it('parses host:port and bracketed IPv6', () => {
    expect(parseAddress('127.0.0.1:5432')).toEqual({ host: '127.0.0.1', port: 5432 });
    expect(parseAddress('[::1]:6543')).toEqual({ host: '::1', port: 6543 });
    expect(parseAddress('db.example:5432')).toEqual({ host: 'db.example', port: 5432 });
  });
  it('rejects malformed addresses', () => {
    for (const bad of [null, '', 'host', 'host:', ':5432', 'host:0', 'host:70000', '::1:5432', 'a/b:1']) {
      expect(parseAddress(bad)).toBeUndefined();
    }
  });
});

describe('admitWsRequest', () => {
  it('admits a good token and an allowed address', () => {
    expect(admitWsRequest(url('token=s3cret&address=127.0.0.1:5432'), null, config)).toEqual({
      ok: true,
      host: '127.0.0.1',
      port: 5432,
    });
    expect(admitWsRequest(url('address=[::1]:5432'), 'chat, haul.token.s3cret', config)).toEqual({
      ok: true,
      host: '::1',
      port: 5432,
      protocol: 'haul.token.s3cret',
    });
  });
  it('checks the token before the address', () => {
    expect(admitWsRequest(url('address=10.0.0.1:5432'), null, config)).toMatchObject({ status: 401 });
    expect(admitWsRequest(url('token=nope&address=127.0.0.1:5432'), null, config)).toMatchObject({
      status: 401,
    });
    expect(admitWsRequest(url('address=127.0.0.1:5432'), 'haul.token.nope', config)).toMatchObject({
      status: 401,
    });
  });
  it('refuses an empty configured token', () => {
    expect(
      admitWsRequest(url('token=&address=127.0.0.1:5432'), null, { ...config, token: '' }),
    ).toMatchObject({ status: 401 });
  });
  it('allows exact host:port pairs only', () => {
    for (const address of ['127.0.0.1:5433', 'localhost:5432', '10.0.0.1:5432']) {
      expect(admitWsRequest(url(`token=s3cret&address=${address}`), null, config)).toMatchObject({
        status: 403,
      });
    }
    expect(admitWsRequest(url('token=s3cret'), null, config)).toMatchObject({ status: 400 });
  });
});

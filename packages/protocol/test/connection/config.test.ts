import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/connection/config.ts';
import { ConfigError } from '../../src/errors.ts';

describe('resolveConfig', () => {
  it('reads every part of a postgres:// URL', () => {
    const c = resolveConfig(
      'postgresql://al%40ice:p%3Ass@db.example:6543/my%20db?sslmode=verify-full&application_name=haul&options=-c%20search_path%3Dapp&connect_timeout=3&TimeZone=UTC',
    );
    expect(c).toMatchObject({
      host: 'db.example',
      port: 6543,
      user: 'al@ice',
      password: 'p:ss',
      database: 'my db',
      sslmode: 'verify-full',
      connectTimeout: 3000,
    });
    expect(c.startupParams).toMatchObject({
      user: 'al@ice',
      database: 'my db',
      application_name: 'haul',
      options: '-c search_path=app',
      TimeZone: 'UTC',
      client_encoding: 'UTF8',
    });
  });

  it('defaults like libpq: localhost, 5432, user postgres, database = user, sslmode prefer', () => {
    const c = resolveConfig({ user: 'bob' });
    expect(c).toMatchObject({
      host: 'localhost',
      port: 5432,
      user: 'bob',
      database: 'bob',
      sslmode: 'prefer',
    });
  });

  it('lets option fields override the URL', () => {
    expect(resolveConfig({ url: 'postgres://a@h1:1/d1', host: 'h2', port: 2 })).toMatchObject({
      host: 'h2',
      port: 2,
      user: 'a',
    });
  });

  it('takes IPv6 hosts in brackets', () => {
    expect(resolveConfig('postgres://u@[::1]:5433/d').host).toBe('::1');
  });

  it('maps allow to prefer and verify-ca to verify-full (never weaker)', () => {
    expect(resolveConfig('postgres://h/d?sslmode=allow').sslmode).toBe('prefer');
    expect(resolveConfig('postgres://h/d?sslmode=verify-ca').sslmode).toBe('verify-full');
  });

  it.each([
    ['not a url', /not a URL/],
    ['mysql://h/d', /scheme 'mysql:'/],
    ['postgres://h/d?sslmode=maybe', /unknown sslmode 'maybe'/],
    ['postgres://h:0/d', /invalid port/],
    ['postgres://h/d?connect_timeout=soon', /connect_timeout/],
  ])('rejects %s with a ConfigError', (url, message) => {
    expect(() => resolveConfig(url)).toThrow(ConfigError);
    expect(() => resolveConfig(url)).toThrow(message);
  });

  it('never echoes the password in an error', () => {
    try {
      resolveConfig('postgres://u:secret@h/d?sslmode=bogus');
    } catch (error) {
      expect(String(error)).not.toContain('secret');
    }
  });
});

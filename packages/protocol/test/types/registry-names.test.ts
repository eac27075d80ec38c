import { describe, expect, it } from 'vitest';
import { ArrayOid, Oid } from '../../src/types/oids.ts';
import { builtinTypes, TypeRegistry } from '../../src/types/registry.ts';
import { UnsupportedTypeError } from '../../src/types/shared/codec.ts';
import { Writer } from '../../src/wire/writer.ts';

const binaryCodec = (type: string | number) => builtinTypes.codec(type);

describe('codecs by name and OID', () => {
  it.each([
    ['int4', 'int4'],
    ['integer', 'int4'],
    ['INT', 'int4'],
    ['serial', 'int4'],
    ['bigint', 'int8'],
    ['smallint', 'int2'],
    ['boolean', 'bool'],
    ['real', 'float4'],
    ['float(24)', 'float4'],
    ['float(25)', 'float8'],
    ['double  precision', 'float8'],
    ['decimal(10, 2)', 'numeric'],
    ['numeric(10,2)', 'numeric'],
    ['character varying(255)', 'varchar'],
    ['character(3)', 'bpchar'],
    ['text', 'text'],
    ['name', 'name'],
    ['citext', 'citext'],
    ['pg_catalog.timestamptz', 'timestamptz'],
    ['timestamp with time zone', 'timestamptz'],
    ['timestamp(3) with time zone', 'timestamptz'],
    ['timestamp without time zone', 'timestamp'],
    ['time without time zone', 'time'],
    ['interval', 'interval'],
    ['text[]', '_text'],
    ['_int4', '_int4'],
    ['integer[][]', '_int4'],
    ['int[3]', '_int4'],
    ['character varying(20)[]', '_varchar'],
    ['timestamp with time zone[]', '_timestamptz'],
    ['integer array', '_int4'],
    ['jsonb', 'jsonb'],
    ['_jsonb', '_jsonb'],
    ['uuid[]', '_uuid'],
    ['inet', 'inet'],
    ['cidr[]', '_cidr'],
    ['bytea', 'bytea'],
  ])('%s → %s', (name, typname) => {
    expect(binaryCodec(name)?.name).toBe(typname);
  });

  it('finds codecs by OID, arrays included', () => {
    expect(binaryCodec(Oid.int4)?.name).toBe('int4');
    expect(binaryCodec(ArrayOid.timestamptz)?.name).toBe('_timestamptz');
    expect(binaryCodec(ArrayOid.timestamptz)?.oid).toBe(ArrayOid.timestamptz);
    expect(binaryCodec('1007')?.name).toBe('_int4');
  });

  it('has no codec for types it cannot encode', () => {
    for (const type of ['hstore', 'point', 'timetz', 'money', '"char"', Oid.point, 'citext[]']) {
      expect(binaryCodec(type)).toBeUndefined();
    }
    expect(() => builtinTypes.resolveCodec('hstore')).toThrow(UnsupportedTypeError);
    expect(() => builtinTypes.resolveCodec('hstore')).toThrow('no binary codec for type "hstore"');
    expect(() => builtinTypes.resolveCodec(600)).toThrow('no binary codec for type OID 600');
    expect(() => builtinTypes.resolveCodec('citext[]')).toThrow('arrays of citext need its OIDs');
  });
});

describe('TypeRegistry.registerTextType', () => {
  it('registers enums and extension types by name and OID, with arrays', () => {
    const registry = new TypeRegistry();
    registry.registerTextType('mood', 50_001, { arrayOid: 50_002 });
    registry.registerTextType('citext', 50_010, { arrayOid: 50_011 });
    expect(registry.codec('mood')?.oid).toBe(50_001);
    expect(registry.codec(50_001)?.name).toBe('mood');
    expect(registry.codec('mood[]')?.oid).toBe(50_002);
    expect(registry.codec(50_011)?.name).toBe('_citext');
    const w = new Writer(4);
    registry.codec('mood[]')!.encode(w, ['happy', null]);
    // The element OID inside the array is the enum's.
    expect(new DataView(w.bytes.buffer).getInt32(8)).toBe(50_001);
    // The built-ins are untouched.
    expect(binaryCodec('mood')).toBeUndefined();
    expect(binaryCodec('citext')?.oid).toBe(0);
  });

  it('keeps the shared built-in registry read-only', () => {
    expect(() => builtinTypes.registerTextType('mood', 1)).toThrow('register on a new TypeRegistry');
  });
});

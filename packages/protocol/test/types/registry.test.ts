import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.ts';
import { ArrayOid, Oid } from '../../src/types/oids.ts';
import { builtinTypes, type FieldDecoder, TypeRegistry } from '../../src/types/registry.ts';
import { decodeText } from '../../src/types/text/text.ts';

const encoder = new TextEncoder();

function decode(registry: TypeRegistry, oid: number, text: string): unknown {
  const bytes = encoder.encode(`~${text}~`);
  return registry.decoder(oid)(bytes, 1, bytes.length - 1);
}

describe('TypeRegistry defaults', () => {
  const registry = new TypeRegistry();

  it.each([
    [Oid.int2, '-32768', -32768],
    [Oid.int4, '2147483647', 2147483647],
    [Oid.oid, '4294967295', 4294967295],
    [Oid.int8, '-9223372036854775808', -9223372036854775808n],
    [Oid.float4, 'NaN', Number.NaN],
    [Oid.float8, '-Infinity', Number.NEGATIVE_INFINITY],
    [Oid.numeric, '3.14159265358979323846264338327950288', '3.14159265358979323846264338327950288'],
    [Oid.bool, 't', true],
    [Oid.bytea, '\\x0102', new Uint8Array([1, 2])],
    [Oid.json, '{"a":"é"}', { a: 'é' }],
    [Oid.jsonb, '[1, "x"]', [1, 'x']],
    [Oid.date, '2024-01-15', new Date('2024-01-15T00:00:00Z')],
    [Oid.timestamptz, '2024-01-15 10:20:30.5+02', new Date('2024-01-15T08:20:30.500Z')],
    [Oid.uuid, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'],
    [Oid.interval, '1 day 02:00:00', '1 day 02:00:00'],
    [Oid.money, '$1.00', '$1.00'],
    [Oid.inet, '::1', '::1'],
    [Oid.text, 'naïve', 'naïve'],
    [123_456, 'some enum label', 'some enum label'],
    [ArrayOid.int4, '{1,NULL,3}', [1, null, 3]],
    [ArrayOid.int8, '{1,9223372036854775807}', [1n, 9223372036854775807n]],
    [ArrayOid.text, '{"a,b",NULL,"NULL"}', ['a,b', null, 'NULL']],
    [ArrayOid.bool, '{t,f}', [true, false]],
    [ArrayOid.bytea, '{"\\\\x01"}', [new Uint8Array([1])]],
    [ArrayOid.jsonb, '{"{\\"a\\": 1}",NULL}', [{ a: 1 }, null]],
    [ArrayOid.date, '{2024-01-15,infinity}', [new Date('2024-01-15T00:00:00Z'), Number.POSITIVE_INFINITY]],
    [
      ArrayOid.float8,
      '{{1.5,NaN},{-0,Infinity}}',
      [
        [1.5, Number.NaN],
        [-0, Number.POSITIVE_INFINITY],
      ],
    ],
    [ArrayOid.box, '{(1,2),(0,0);(3,3),(1,1)}', ['(1,2),(0,0)', '(3,3),(1,1)']],
  ])('oid %d: %s', (oid, text, value) => {
    expect(decode(registry, oid, text)).toEqual(value);
  });

  it('decodes an array of an unknown element type as text only if registered', () => {
    // Unknown OIDs are text, so an unregistered array OID gives back the literal itself.
    expect(decode(registry, 99_999, '{a,b}')).toBe('{a,b}');
  });

  it('returns the same decoder for the same OID', () => {
    expect(registry.decoder(Oid.int4)).toBe(registry.decoder(Oid.int4));
  });
});

describe('TypeRegistry options', () => {
  it('int8 as string or number', () => {
    expect(decode(new TypeRegistry({ int8: 'string' }), Oid.int8, '9223372036854775807')).toBe(
      '9223372036854775807',
    );
    expect(decode(new TypeRegistry({ int8: 'number' }), Oid.int8, '42')).toBe(42);
    expect(decode(new TypeRegistry({ int8: 'string' }), ArrayOid.int8, '{1,NULL}')).toEqual(['1', null]);
  });

  it('dates as the server text', () => {
    const registry = new TypeRegistry({ dates: 'string' });
    expect(decode(registry, Oid.timestamptz, '2024-01-15 10:20:30.123456+00')).toBe(
      '2024-01-15 10:20:30.123456+00',
    );
    expect(decode(registry, Oid.date, 'infinity')).toBe('infinity');
    expect(decode(registry, ArrayOid.timestamp, '{"2024-01-15 10:20:30"}')).toEqual(['2024-01-15 10:20:30']);
  });

  it('json as the server text, numbers exact', () => {
    const registry = new TypeRegistry({ json: 'string' });
    expect(decode(registry, Oid.jsonb, '{"a": 9007199254740993, "b": 1e999}')).toBe(
      '{"a": 9007199254740993, "b": 1e999}',
    );
    expect(decode(registry, Oid.json, '[1.10]')).toBe('[1.10]');
    expect(decode(registry, ArrayOid.jsonb, '{"{\\"a\\": 1}",NULL}')).toEqual(['{"a": 1}', null]);
    // The default parses, and so rounds: the reason for the option.
    expect(decode(new TypeRegistry(), Oid.jsonb, '9007199254740993')).toBe(9007199254740992);
  });

  it('rejects unknown option values', () => {
    expect(() => new TypeRegistry({ int8: 'float' as never })).toThrow(ConfigError);
    expect(() => new TypeRegistry({ dates: 'moment' as never })).toThrow(ConfigError);
    expect(() => new TypeRegistry({ json: 'text' as never })).toThrow(ConfigError);
  });
});

describe('TypeRegistry.register', () => {
  const upper: FieldDecoder = (bytes, start, end) => decodeText(bytes, start, end).toUpperCase();

  it('adds a type and its array', () => {
    const registry = new TypeRegistry();
    const before = registry.version;
    registry.register({ name: 'shout', oid: 50_000, arrayOid: 50_001, textDecode: upper });
    expect(registry.version).toBeGreaterThan(before);
    expect(decode(registry, 50_000, 'abc')).toBe('ABC');
    expect(decode(registry, 50_001, '{abc,NULL,"d e"}')).toEqual(['ABC', null, 'D E']);
  });

  it('overrides a built-in type, and arrays of it follow', () => {
    const registry = new TypeRegistry();
    const oldArrayDecoder = registry.decoder(ArrayOid.numeric);
    registry.register({
      name: 'numeric',
      oid: Oid.numeric,
      textDecode: (bytes, start, end) => Number(decodeText(bytes, start, end)),
    });
    expect(decode(registry, Oid.numeric, '1.5')).toBe(1.5);
    expect(registry.decoder(ArrayOid.numeric)).not.toBe(oldArrayDecoder);
    expect(decode(registry, ArrayOid.numeric, '{1.5,NULL}')).toEqual([1.5, null]);
  });

  it('honours a custom delimiter', () => {
    const registry = new TypeRegistry();
    registry.registerArray(50_011, 50_010, ';');
    expect(decode(registry, 50_011, '{a,b;c}')).toEqual(['a,b', 'c']);
  });

  it('rejects a bad delimiter and self-arrays', () => {
    const registry = new TypeRegistry();
    expect(() => registry.registerArray(1, 2, ';;')).toThrow(ConfigError);
    expect(() => registry.registerArray(3, 3)).toThrow(ConfigError);
  });
});

describe('TypeRegistry entries', () => {
  const session = { timeZone: 'UTC', serverVersion: 150_000 };

  it('hold every format of a type, by OID or any name', () => {
    for (const type of [Oid.int4, 'int4', 'integer', '"int4"', 'pg_catalog.int4', '23']) {
      const entry = builtinTypes.entry(type)!;
      expect(entry).toMatchObject({
        name: 'int4',
        oid: Oid.int4,
        arrayOid: ArrayOid.int4,
        element: undefined,
      });
      expect(entry.binary?.oid).toBe(Oid.int4);
      expect(entry.fromText(session)?.type).toBe('int4');
      expect(decode(builtinTypes, entry.oid, '-7')).toBe(-7);
    }
  });

  it('derive array types from their element', () => {
    const entry = builtinTypes.entry('integer[]')!;
    expect(entry).toBe(builtinTypes.entry(ArrayOid.int4));
    expect(entry).toMatchObject({ name: '_int4', oid: ArrayOid.int4, element: builtinTypes.entry(Oid.int4) });
    expect(entry.binary?.name).toBe('_int4');
    expect(entry.fromText(session)?.type).toBe('_int4');
    // A type without a converter has none for its array either.
    expect(builtinTypes.fromText('point[]', session)).toBeNull();
    expect(builtinTypes.fromText(ArrayOid.int4, session)?.type).toBe('_int4');
  });

  it('read a quoted name as an exact typname: "char" is not SQL\'s char', () => {
    expect(builtinTypes.entry('char')?.name).toBe('bpchar');
    expect(builtinTypes.entry('character(3)')?.name).toBe('bpchar');
    expect(builtinTypes.entry('"char"')?.name).toBe('char');
    expect(builtinTypes.entry('"char"[]')?.name).toBe('_char');
    expect(builtinTypes.entry('"_char"')?.oid).toBe(ArrayOid.char);
    expect(builtinTypes.fromText('"char"', session)?.type).toBe('char');
    expect(builtinTypes.fromText('char', session)?.type).toBe('bpchar');
  });

  it('keep what a registration leaves out', () => {
    const registry = new TypeRegistry();
    registry.register({
      name: 'numeric',
      oid: Oid.numeric,
      textDecode: (b, s, e) => Number(decodeText(b, s, e)),
    });
    expect(decode(registry, Oid.numeric, '2.5')).toBe(2.5);
    expect(registry.codec('numeric')).toBe(builtinTypes.codec('numeric'));
    expect(registry.entry('numeric[]')?.oid).toBe(ArrayOid.numeric);
    expect(registry.fromText('numeric', session)?.type).toBe('numeric');
  });

  it('give enums registered as text types a codec and converter for them and their arrays', () => {
    const registry = new TypeRegistry();
    registry.registerTextType('mood', 70_001, { arrayOid: 70_002 });
    expect(registry.entry('mood')).toMatchObject({ name: 'mood', oid: 70_001, arrayOid: 70_002 });
    expect(registry.fromText('mood', session)?.type).toBe('mood');
    expect(registry.fromText('mood[]', session)?.type).toBe('_mood');
    expect(registry.fromText(70_002, session)?.type).toBe('_mood');
    expect(registry.codec(70_002)?.name).toBe('_mood');
    expect(decode(registry, 70_002, '{happy,NULL}')).toEqual(['happy', null]);
    expect(builtinTypes.entry('mood')).toBeUndefined();
  });

  it('keep the shared built-ins read-only', () => {
    expect(() => builtinTypes.register({ name: 'mood', oid: 1 })).toThrow('register on a new TypeRegistry');
    expect(() => builtinTypes.registerArray(2, 1)).toThrow('register on a new TypeRegistry');
  });
});

describe('TypeRegistry.register by name', () => {
  it('gives a type known by name only its OIDs, keeping its converter', () => {
    const registry = new TypeRegistry();
    registry.register({ name: 'citext', oid: 70_010, arrayOid: 70_011 });
    expect(registry.entry(70_010)?.name).toBe('citext');
    expect(registry.fromText('citext[]', { timeZone: 'UTC' })?.type).toBe('_citext');
  });

  it('leaves a built-in alone when another OID takes its name', () => {
    const registry = new TypeRegistry();
    registry.register({ name: 'int4', oid: 70_020 });
    expect(registry.entry(Oid.int4)?.arrayOid).toBe(ArrayOid.int4);
    expect(registry.entry(ArrayOid.int4)?.element?.oid).toBe(Oid.int4);
    expect(registry.entry(70_020)?.binary).toBeUndefined();
  });
});

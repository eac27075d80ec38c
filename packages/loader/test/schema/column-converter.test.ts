import { describe, expect, it } from 'vitest';
import { hexOf } from '../../../protocol/test/types/input/support/convert.ts';
import { converterFor } from '../../src/schema/column-converter.ts';
import { column } from './columns.ts';

const SESSION = { timeZone: 'Europe/Berlin', serverVersion: 170_000 };

describe('converterFor', () => {
  it.each([
    'bool',
    'int2',
    'int4',
    'int8',
    'oid',
    'float4',
    'float8',
    'numeric',
    'text',
    'varchar',
    'bpchar',
    'name',
    'citext',
    'char',
    'json',
    'jsonb',
    'bytea',
    'uuid',
    'date',
    'time',
    'timetz',
    'timestamp',
    'timestamptz',
    'interval',
    'inet',
    'cidr',
    'macaddr',
    'macaddr8',
  ])('has a converter for %s', (type) => {
    expect(converterFor(column(type), SESSION)?.type).toBe(type);
  });

  it.each(['xml', 'money', 'point', 'int4range', 'bit', 'tsvector', '_xml', '_money'])(
    'has none for %s (text COPY)',
    (type) => {
      expect(converterFor(column(type), SESSION)).toBeNull();
    },
  );

  it('converts an enum as its label text, a domain as its base type', () => {
    const mood = converterFor(column('mood', { typtype: 'e' }), SESSION)!;
    expect(hexOf(mood, 'happy')).toBe('6861707079');
    const positive = converterFor(column('positive', { typtype: 'd', baseTypeName: 'int4' }), SESSION)!;
    expect(positive.type).toBe('int4');
    const moodDomain = { typtype: 'd', baseTypeName: 'mood', baseTyptype: 'e' };
    expect(hexOf(converterFor(column('mood_domain', moodDomain), SESSION)!, 'sad')).toBe('736164');
  });

  it('converts arrays of enums and domains under the element OID the catalog gives', () => {
    const moods = column('_mood', {
      elementTypeName: 'mood',
      elementOid: 16_999,
      elementBaseTypeName: 'mood',
      elementBaseTyptype: 'e',
    });
    // ndim 1, no NULLs, element OID 16999 (0x4267), 1 element from 1, 'ok' (2 bytes).
    expect(hexOf(converterFor(moods, SESSION)!, '{ok}')).toBe(
      '0000000100000000000042670000000100000001000000026f6b',
    );
    const positives = column('_positive', {
      elementTypeName: 'positive',
      elementOid: 17_000,
      elementBaseTypeName: 'int4',
      elementBaseTyptype: 'b',
    });
    expect(hexOf(converterFor(positives, SESSION)!, '{7}')).toBe(
      '0000000100000000000042680000000100000001000000040000000' + '7',
    );
    const unknown = { elementTypeName: 'box', elementOid: 603, elementBaseTypeName: 'box' };
    expect(converterFor(column('_box', unknown), SESSION)).toBeNull();
  });

  it('converts arrays of built-in element types with their OID', () => {
    expect(converterFor(column('_int4'), SESSION)?.type).toBe('_int4');
    expect(converterFor(column('_timestamptz'), SESSION)?.type).toBe('_timestamptz');
    expect(converterFor(column('_citext'), SESSION)).toBeNull();
    expect(converterFor(column('_citext', { elementOid: 16_500 }), SESSION)?.type).toBe('_citext');
  });

  it('converts interval with a precision typmod, not with a fields restriction (it changes the reading)', () => {
    // atttypmod of interval(3), interval year, interval day to second(2), as the server sets them.
    expect(converterFor(column('interval', { typmod: 2_147_418_115 }), SESSION)?.type).toBe('interval');
    expect(converterFor(column('interval', { typmod: 327_679 }), SESSION)).toBeNull();
    expect(converterFor(column('interval', { typmod: 470_286_338 }), SESSION)).toBeNull();
    expect(converterFor(column('_interval', { typmod: 327_679 }), SESSION)).toBeNull();
    const domain = { typtype: 'd', baseTypeName: 'interval', baseTypmod: 327_679 };
    expect(converterFor(column('years', domain), SESSION)).toBeNull();
  });

  it('has no timestamptz converter for a session zone it cannot follow', () => {
    expect(converterFor(column('timestamptz'), { timeZone: 'localtime' })).toBeNull();
    expect(converterFor(column('timetz'), { timeZone: 'XXX3YYY,M3.2.0,M11.1.0' })).toBeNull();
    expect(converterFor(column('timestamp'), { timeZone: 'localtime' })).not.toBeNull();
  });
});

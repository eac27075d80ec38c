/** TargetColumn values for tests, as the catalog would describe them. */
import { Oid } from '@haul/protocol/types';
import type { TargetColumn } from '../../src/schema/target.ts';

export function column(typeName: string, overrides: Partial<TargetColumn> = {}): TargetColumn {
  const element = typeName.startsWith('_') ? typeName.slice(1) : null;
  return {
    name: 'c',
    position: 1,
    typeOid: 0,
    typeName,
    formatType: typeName,
    typmod: -1,
    typtype: 'b',
    baseTypeName: typeName,
    baseTyptype: overrides.typtype === undefined || overrides.typtype === 'd' ? 'b' : overrides.typtype,
    baseTypmod: overrides.typmod ?? -1,
    elementTypeName: element,
    elementOid: element === null ? null : ((Oid as Readonly<Record<string, number>>)[element] ?? null),
    elementBaseTypeName: element,
    elementBaseTyptype: element === null ? null : 'b',
    notNull: false,
    hasDefault: false,
    identity: '',
    generated: false,
    ...overrides,
  };
}

/** TargetColumn values for tests, as the catalog would describe them. */
import type { TargetColumn } from '../../src/schema/target.ts';

export function column(typeName: string, overrides: Partial<TargetColumn> = {}): TargetColumn {
  return {
    name: 'c',
    position: 1,
    typeOid: 0,
    typeName,
    formatType: typeName,
    typmod: -1,
    typtype: 'b',
    baseTypeName: typeName,
    elementTypeName: typeName.startsWith('_') ? typeName.slice(1) : null,
    notNull: false,
    hasDefault: false,
    identity: '',
    generated: false,
    ...overrides,
  };
}

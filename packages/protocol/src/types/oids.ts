/**
 * Built-in type OIDs, as assigned in PostgreSQL's catalog (pg_type.dat). A built-in type keeps its OID
 * in every server version that has it (xid8 and pg_snapshot arrived in 13, multiranges in 14), which
 * is why they can be constants. Taken from `select typname, oid, typarray from pg_type` on
 * PostgreSQL 15; `test/types-oracle.test.ts` checks every entry against the live server's pg_type.
 */

/** Element type OIDs by type name (the name is PostgreSQL's `typname`). */
export const Oid = {
  bool: 16,
  bytea: 17,
  char: 18,
  name: 19,
  int8: 20,
  int2: 21,
  int2vector: 22,
  int4: 23,
  regproc: 24,
  text: 25,
  oid: 26,
  tid: 27,
  xid: 28,
  cid: 29,
  oidvector: 30,
  json: 114,
  xml: 142,
  point: 600,
  lseg: 601,
  path: 602,
  box: 603,
  polygon: 604,
  line: 628,
  cidr: 650,
  float4: 700,
  float8: 701,
  unknown: 705,
  circle: 718,
  macaddr8: 774,
  money: 790,
  macaddr: 829,
  inet: 869,
  aclitem: 1033,
  bpchar: 1042,
  varchar: 1043,
  date: 1082,
  time: 1083,
  timestamp: 1114,
  timestamptz: 1184,
  interval: 1186,
  timetz: 1266,
  bit: 1560,
  varbit: 1562,
  numeric: 1700,
  refcursor: 1790,
  regprocedure: 2202,
  regoper: 2203,
  regoperator: 2204,
  regclass: 2205,
  regtype: 2206,
  record: 2249,
  cstring: 2275,
  void: 2278,
  uuid: 2950,
  txid_snapshot: 2970,
  pg_lsn: 3220,
  tsvector: 3614,
  tsquery: 3615,
  regconfig: 3734,
  regdictionary: 3769,
  jsonb: 3802,
  int4range: 3904,
  numrange: 3906,
  tsrange: 3908,
  tstzrange: 3910,
  daterange: 3912,
  int8range: 3926,
  jsonpath: 4072,
  regnamespace: 4089,
  regrole: 4096,
  regcollation: 4191,
  int4multirange: 4451,
  nummultirange: 4532,
  tsmultirange: 4533,
  tstzmultirange: 4534,
  datemultirange: 4535,
  int8multirange: 4536,
  pg_snapshot: 5038,
  xid8: 5069,
} as const;

/** Array type OIDs, keyed by the element's `typname` (PostgreSQL names the array type `_` + element). */
export const ArrayOid = {
  bool: 1000,
  bytea: 1001,
  char: 1002,
  name: 1003,
  int8: 1016,
  int2: 1005,
  int2vector: 1006,
  int4: 1007,
  regproc: 1008,
  text: 1009,
  oid: 1028,
  tid: 1010,
  xid: 1011,
  cid: 1012,
  oidvector: 1013,
  json: 199,
  xml: 143,
  point: 1017,
  lseg: 1018,
  path: 1019,
  box: 1020,
  polygon: 1027,
  line: 629,
  cidr: 651,
  float4: 1021,
  float8: 1022,
  circle: 719,
  macaddr8: 775,
  money: 791,
  macaddr: 1040,
  inet: 1041,
  aclitem: 1034,
  bpchar: 1014,
  varchar: 1015,
  date: 1182,
  time: 1183,
  timestamp: 1115,
  timestamptz: 1185,
  interval: 1187,
  timetz: 1270,
  bit: 1561,
  varbit: 1563,
  numeric: 1231,
  refcursor: 2201,
  regprocedure: 2207,
  regoper: 2208,
  regoperator: 2209,
  regclass: 2210,
  regtype: 2211,
  record: 2287,
  cstring: 1263,
  uuid: 2951,
  txid_snapshot: 2949,
  pg_lsn: 3221,
  tsvector: 3643,
  tsquery: 3645,
  regconfig: 3735,
  regdictionary: 3770,
  jsonb: 3807,
  int4range: 3905,
  numrange: 3907,
  tsrange: 3909,
  tstzrange: 3911,
  daterange: 3913,
  int8range: 3927,
  jsonpath: 4073,
  regnamespace: 4090,
  regrole: 4097,
  regcollation: 4192,
  int4multirange: 6150,
  nummultirange: 6151,
  tsmultirange: 6152,
  tstzmultirange: 6153,
  datemultirange: 6155,
  int8multirange: 6157,
  pg_snapshot: 5039,
  xid8: 271,
} as const satisfies Partial<Record<keyof typeof Oid, number>>;

/** A built-in type's `typname`. */
export type TypeName = keyof typeof Oid;

/** Of the built-in array types, only box[] separates elements with ';' (box text itself holds commas). */
export const BOX_ARRAY_DELIMITER = ';';

const namesByOid = new Map<number, TypeName>();
const elementByArray = new Map<number, number>();
for (const name of Object.keys(Oid) as TypeName[]) {
  namesByOid.set(Oid[name], name);
  const arrayOid = (ArrayOid as Partial<Record<TypeName, number>>)[name];
  if (arrayOid !== undefined) elementByArray.set(arrayOid, Oid[name]);
}

/** The `typname` of a built-in type, or undefined for array types and OIDs assigned at run time. */
export function builtinTypeName(oid: number): TypeName | undefined {
  return namesByOid.get(oid);
}

/** The element OID of a built-in array type, or undefined if `oid` is not one. */
export function builtinArrayElement(oid: number): number | undefined {
  return elementByArray.get(oid);
}

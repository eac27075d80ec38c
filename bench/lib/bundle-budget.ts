/**
 * The most a Haul Worker or browser entry that connects, queries and copies in (bench/bundles) may
 * weigh, gzipped. CI holds the tree to it (test/packaging/bundle-size.test.ts); raise it only on
 * purpose. Measured 51.7 kB on 2026-12-03 (both entries): every type family's text, binary and from-text forms come
 * along, since the connection's registry holds them all.
 */
export const HAUL_BUNDLE_BUDGET_GZIP = 55_000;

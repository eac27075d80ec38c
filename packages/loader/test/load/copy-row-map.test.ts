/**
 * CopyRowMap, the COPY's record of what it carried: checked against a plain per-row model (every row's
 * server lines and source line in arrays) on generated chunks, and shown to keep entries only for the
 * rows that break the one-line-per-row pattern, never per row: a COPY may carry a whole file.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EncodedChunk, MultiLineRows } from '../../src/load/chunk.ts';
import { CopyRowMap } from '../../src/load/copy-frames.ts';

interface ModelRow {
  /** Source line the row starts on. */
  line: number;
  /** LFs and CRs inside its quotes. */
  lf: number;
  cr: number;
}

/** COPY data bytes per model row: what the map's window is measured in. */
const ROW_BYTES = 10;

/** A chunk of `rows` (row data is irrelevant here, only the bookkeeping). */
function chunk(rows: ModelRow[], lfEndings: boolean): EncodedChunk {
  const multi = rows.flatMap((row, i) => (row.lf + row.cr > 0 ? [i] : []));
  const multiLine: MultiLineRows = {
    rows: Int32Array.from(multi),
    lf: Int32Array.from(multi, (i) => rows[i]!.lf),
    cr: Int32Array.from(multi, (i) => rows[i]!.cr),
    lfEndings,
  };
  return {
    seq: 0,
    data: new Uint8Array(0),
    rows: rows.length,
    rowEnd: Int32Array.from(rows, (_, i) => (i + 1) * ROW_BYTES),
    rowLine: Float64Array.from(rows, (row) => row.line),
    firstRow: 0,
    sourceStart: 0,
    sourceEnd: 0,
    ...(multi.length > 0 ? { multiLine } : {}),
  };
}

/** Rows on increasing source lines: a row spanning lines moves the next one down, as gaps do. */
const rowsArb = fc
  .array(fc.record({ lf: fc.nat(3), cr: fc.nat(2), gap: fc.nat(2), multi: fc.nat(9) }), {
    minLength: 1,
    maxLength: 30,
  })
  .map((specs) => {
    let line = 1;
    return specs.map(({ lf, cr, gap, multi }) => {
      const spans = multi === 0;
      const row = { line: line + (gap === 0 ? 1 : 0), lf: spans ? lf : 0, cr: spans ? cr : 0 };
      line = row.line + 1 + row.lf + row.cr;
      return row;
    });
  });

describe('CopyRowMap', () => {
  it('places every server line and source line as a per-row model does', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(rowsArb, fc.nat(4)), { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        (parts, lf) => {
          const map = new CopyRowMap();
          const model: { lines: number; line: number }[] = [];
          let lineBase = 0;
          for (const [rows, skip] of parts) {
            // Chunks continue each other's lines in the source.
            const shifted = rows.map((row) => ({ ...row, line: row.line + lineBase }));
            lineBase = shifted.at(-1)!.line + 1 + shifted.at(-1)!.lf + shifted.at(-1)!.cr;
            const from = Math.min(skip, shifted.length - 1);
            map.add(chunk(shifted, lf), from);
            for (const row of shifted.slice(from)) {
              const first = model.length === 0;
              model.push({ lines: 1 + (lf && !first ? row.lf : row.cr), line: row.line });
            }
          }
          expect(map.rows).toBe(model.length);
          let end = 0;
          model.forEach((row, i) => {
            for (let l = end + 1; l <= end + row.lines; l++) expect(map.rowAtLine(l)).toBe(i);
            end += row.lines;
            expect(map.source(i)?.line).toBe(row.line);
          });
          expect(map.rowAtLine(end + 1)).toBe(-1);
          expect(map.rowAtLine(0)).toBe(-1);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps entries for rows that span lines, not for rows: the same at 1,000 and 4,000 rows a chunk', () => {
    const retained = (rowsPerChunk: number) => {
      const map = new CopyRowMap();
      let line = 1;
      for (let c = 0; c < 50; c++) {
        const rows = Array.from({ length: rowsPerChunk }, (_, i) => {
          const spans = i === 7; // one row a chunk spans two lines
          const row = { line, lf: spans ? 1 : 0, cr: 0 };
          line += spans ? 2 : 1;
          return row;
        });
        map.add(chunk(rows, true));
      }
      return map.retained;
    };
    const small = retained(1000);
    expect(small).toBe(retained(4000));
    // A segment per chunk, a server step and a source step for its one multi-line row.
    expect(small).toBe(50 * 3);
  });

  it('keeps only the window of the last rows sent: the same entries after 50 and 200 chunks with multi-line rows', () => {
    const chunkRows = 1000;
    const build = (chunks: number) => {
      // A window of 4 chunks' bytes.
      const map = new CopyRowMap(4 * chunkRows * ROW_BYTES);
      let line = 1;
      for (let c = 0; c < chunks; c++) {
        const rows = Array.from({ length: chunkRows }, (_, i) => {
          const spans = i % 10 === 2; // a row in ten spans two lines, as in the M1 file
          const row = { line, lf: spans ? 1 : 0, cr: 0 };
          line += spans ? 2 : 1;
          return row;
        });
        map.add(chunk(rows, true));
      }
      return { map, lines: line - 1 };
    };
    const small = build(50);
    const large = build(200);
    expect(large.map.retained).toBe(small.map.retained);
    expect(small.map.retained).toBeLessThanOrEqual(5 * (1 + 2 * (chunkRows / 10)));
    // No table per chunk: the step tables made for 50 chunks serve 200.
    expect(small.map.tablesMade).toBeGreaterThan(0);
    expect(large.map.tablesMade).toBe(small.map.tablesMade);
    // The last rows stay mapped; rows older than the window are not.
    const rows = 200 * chunkRows;
    expect(large.map.source(rows - 1)).toEqual({ line: large.lines });
    expect(large.map.rowAtLine(large.lines)).toBe(rows - 1);
    expect(large.map.source(0)).toBeNull();
    expect(large.map.rowAtLine(1)).toBe(-1);
    expect(large.map.rows).toBe(rows);
  });
});

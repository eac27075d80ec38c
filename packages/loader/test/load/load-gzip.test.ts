/**
 * A broken gzip source fails its load as a SourceError that says gzip, and nothing is committed, even
 * when every row decompressed fine and was already sent: a wrong CRC (checked only at the end of the
 * stream) and a truncated file, in atomic mode with onError abort and reject, CSV and NDJSON.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../../tools/test-targets.ts';
import { LoadFailedError, SourceError } from '../../src/errors.ts';
import { load } from '../../src/load/load.ts';
import { type Admin, adminClient, scalar, uniqueName, via } from '../support/database.ts';

const ROWS = 150_000;

function csvText(): string {
  let text = 'id,label\n';
  for (let i = 1; i <= ROWS; i++) text += `${i},label ${(i * 7919) % 10007}\n`;
  return text;
}

function ndjsonText(): string {
  let text = '';
  for (let i = 1; i <= ROWS; i++) text += `{"id":${i},"label":"label ${(i * 7919) % 10007}"}\n`;
  return text;
}

/** The gzip of `text` with one bit of its CRC32 flipped: the data inflates perfectly, the check fails at the end. */
function badCrc(text: string): Uint8Array {
  const gz = new Uint8Array(gzipSync(text));
  gz[gz.length - 8]! ^= 0x01;
  return gz;
}

function truncated(text: string): Uint8Array {
  const gz = gzipSync(text);
  return gz.subarray(0, Math.floor(gz.length * 0.9));
}

/** The bytes in pieces, so the load reads (and sends) as they arrive. */
async function* pieces(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += 4096) {
    yield bytes.subarray(at, at + 4096);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe.each(databaseTargets())('$name', ({ url }) => {
  let admin: Admin;
  beforeAll(() => {
    admin = adminClient(url);
  });
  afterAll(async () => {
    await admin.end();
  });

  const cases = [
    { what: 'a wrong CRC', format: 'csv', bytes: () => badCrc(csvText()), reason: 'corrupt' },
    { what: 'a truncated file', format: 'csv', bytes: () => truncated(csvText()), reason: 'truncated' },
    { what: 'a wrong CRC', format: 'ndjson', bytes: () => badCrc(ndjsonText()), reason: 'corrupt' },
    { what: 'a truncated file', format: 'ndjson', bytes: () => truncated(ndjsonText()), reason: 'truncated' },
  ] as const;

  for (const { what, format, bytes, reason } of cases) {
    for (const onError of ['abort', 'reject'] as const) {
      it(`${format} gzip with ${what}, onError ${onError}: a SourceError, rows already sent, nothing committed`, async () => {
        const name = uniqueName('load_gzip');
        await admin.unsafe(`create table ${name} (id int, label text)`);
        let sent = 0;
        const error = await load({
          ...via(url),
          table: name,
          source: pieces(bytes()),
          format,
          shards: 2,
          chunkBytes: 16 * 1024,
          onError,
          progressInterval: 1,
          onProgress: (event) => {
            sent = Math.max(sent, event.rows);
          },
        }).then(
          () => null,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(LoadFailedError);
        expect((error as LoadFailedError).rolledBack).toBe(true);
        const cause = (error as LoadFailedError).cause;
        expect(cause).toBeInstanceOf(SourceError);
        expect((cause as SourceError).reason).toBe(reason);
        expect((error as Error).message).toMatch(/the gzip stream is (corrupt|truncated)/);
        // Rows had gone to the server before the stream broke; none of them stayed.
        expect(sent).toBeGreaterThan(0);
        expect(await scalar(admin, `select count(*)::int from ${name}`)).toBe(0);
      });
    }
  }

  it('a small gzip with a flipped bit is reported as corrupt gzip, not as the bad row the garbage makes', async () => {
    const name = uniqueName('load_gzip_small');
    await admin.unsafe(`create table ${name} (a int, b text, c text)`);
    let text = 'a,b,c\n';
    for (let i = 0; i < 2000; i++) text += `${i},b${i},c${(i * 31) % 97}\n`;
    const gz = new Uint8Array(gzipSync(text));
    gz[Math.floor(gz.length / 2)]! ^= 0x10;
    const error = await load({ ...via(url), table: name, source: gz, format: 'csv' }).then(
      () => null,
      (e: unknown) => e,
    );
    expect((error as LoadFailedError).cause).toBeInstanceOf(SourceError);
    expect(await scalar(admin, `select count(*)::int from ${name}`)).toBe(0);
  });
});

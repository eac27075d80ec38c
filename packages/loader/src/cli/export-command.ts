/**
 * `haul export`: a table or query to stdout or a file, written with backpressure. A reader that goes
 * away (`| head`) ends the export quietly; Ctrl+C stops it with exit 130.
 */
import { connect } from '@haul/protocol/node';
import { exportRows } from '../export/export.ts';
import { writeFileFrom, writeStream } from '../node-export.ts';
import { databaseUrl } from './database-url.ts';
import { ExitCode } from './exit-codes.ts';
import type { ExportInvocation } from './export-args.ts';
import { exitCodeFor, failureText } from './failure.ts';
import { watchInterrupt } from './interrupt.ts';
import { print } from './output.ts';
import { bytes, seconds } from './units.ts';

function isBrokenPipe(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'EPIPE';
}

export async function runExport(invocation: ExportInvocation): Promise<ExitCode> {
  const url = databaseUrl(invocation.url, process.env, 'export');
  const interrupt = watchInterrupt({
    stderr: process.stderr,
    onFirst: () => process.stderr.write('interrupting the export (Ctrl+C again to exit at once)\n'),
  });
  const path = invocation.outputPath;
  const toFile = path !== undefined;
  const started = performance.now();
  try {
    const stream = exportRows({ ...invocation.settings, url, connect, signal: interrupt.signal });
    // stdout is not ours to end; a file is written and closed before we report.
    const written = toFile
      ? await writeFileFrom(stream, path)
      : await writeStream(stream, process.stdout, { end: false });
    if (toFile && !invocation.quiet) {
      const elapsed = performance.now() - started;
      await print(process.stderr, `exported ${bytes(written)} to ${path} in ${seconds(elapsed)}\n`);
    }
    return ExitCode.ok;
  } catch (error) {
    if (interrupt.interrupted) {
      await print(process.stderr, 'interrupted\n');
      return ExitCode.interrupted;
    }
    if (!toFile && isBrokenPipe(error)) return ExitCode.ok;
    await print(process.stderr, failureText(error, 'export'));
    return exitCodeFor(error);
  } finally {
    interrupt.dispose();
  }
}

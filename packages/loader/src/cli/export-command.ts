/**
 * `haul export`: a table or query to stdout or a file, written with backpressure. A reader that goes
 * away (`| head`) ends the export quietly; Ctrl+C stops it with exit 130.
 */
import type { Writable } from 'node:stream';
import { connect } from '@haul/protocol/node';
import { exportRows } from '../index.ts';
import { createExportFile, writeStream } from '../node.ts';
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
  const toFile = invocation.outputPath !== undefined;
  const destination: Writable = toFile ? createExportFile(invocation.outputPath!) : process.stdout;
  const started = performance.now();
  try {
    const stream = exportRows({ ...invocation.settings, url, connect, signal: interrupt.signal });
    // stdout is not ours to end; a file is, and ending it flushes it before we report.
    const written = await writeStream(stream, destination, { end: toFile });
    if (toFile && !invocation.quiet) {
      const elapsed = performance.now() - started;
      await print(
        process.stderr,
        `exported ${bytes(written)} to ${invocation.outputPath} in ${seconds(elapsed)}\n`,
      );
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
    if (toFile) destination.destroy();
  }
}

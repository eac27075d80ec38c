/**
 * `haul load`: streams a file or stdin into a table through the loader, with live progress on a
 * terminal, rejected rows to the rejects file, Ctrl+C as a rollback, and a report at the end.
 */
import { stat } from 'node:fs/promises';
import { connect } from '@haul/protocol/node';
import type { LoadOptions, LoadReport } from '../api.ts';
import { load } from '../index.ts';
import { fileSource, stdinSource } from '../node.ts';
import { databaseUrl } from './database-url.ts';
import { ExitCode } from './exit-codes.ts';
import { exitCodeFor, failureJson, failureText } from './failure.ts';
import { watchInterrupt } from './interrupt.ts';
import type { LoadInput, LoadInvocation } from './load-args.ts';
import { progressView } from './load-progress.ts';
import { loadReportText } from './load-report-text.ts';
import { print } from './output.ts';
import { RejectsFile } from './rejects-file.ts';
import { UsageError } from './usage-error.ts';

/** Checks the input before connecting, so a typo'd path is a usage error, not a failed load. */
async function inputSize(input: LoadInput): Promise<number | undefined> {
  if (input.kind === 'stdin') return undefined;
  const info = await stat(input.path).catch((error: NodeJS.ErrnoException) => {
    const why = error.code === 'ENOENT' ? 'no such file' : `cannot read it (${error.code ?? error.message})`;
    throw new UsageError(`${input.path}: ${why}`, 'load');
  });
  if (!info.isFile()) throw new UsageError(`${input.path}: not a file`, 'load');
  // The loader counts decompressed bytes, so a .gz file's size cannot serve as the 100% mark.
  return /\.gz$/i.test(input.path) ? undefined : info.size;
}

function exitCodeOf(report: LoadReport): ExitCode {
  if (!report.committed) return ExitCode.failed;
  return report.rejected > 0 ? ExitCode.rejected : ExitCode.ok;
}

export async function runLoad(invocation: LoadInvocation): Promise<ExitCode> {
  const { input, settings } = invocation;
  const url = databaseUrl(invocation.url, process.env, 'load');
  const totalBytes = await inputSize(input);
  if (input.kind === 'stdin' && process.stdin.isTTY && !invocation.quiet) {
    process.stderr.write('reading rows from the terminal; end with Ctrl+D\n');
  }

  const progress = progressView({
    enabled: !invocation.quiet && process.stderr.isTTY === true,
    stream: process.stderr,
    ...(totalBytes === undefined ? {} : { totalBytes }),
  });
  const interrupt = watchInterrupt({
    stderr: process.stderr,
    onFirst() {
      progress.stop();
      process.stderr.write('interrupting: rolling the load back (Ctrl+C again to exit at once)\n');
    },
  });
  const rejects = invocation.rejectsPath === undefined ? undefined : new RejectsFile(invocation.rejectsPath);

  const options: LoadOptions = {
    ...settings,
    url,
    connect,
    source: input.kind === 'file' ? fileSource(input.path) : stdinSource(),
    signal: interrupt.signal,
    onProgress: (event) => progress.update(event),
  };
  if (input.kind === 'file') options.fileName = input.path;
  if (rejects) options.onReject = (row) => rejects.write(row);

  let report: LoadReport;
  try {
    report = await load(options);
  } catch (error) {
    progress.stop();
    await rejects?.close().catch(() => {});
    if (interrupt.interrupted) {
      // Only a broken commit barrier leaves something behind; that deserves the full story.
      const partial = failureJson(error).error.rolledBack === false;
      await print(process.stderr, partial ? failureText(error, 'load') : 'interrupted, rolled back\n');
      return ExitCode.interrupted;
    }
    await print(process.stderr, failureText(error, 'load'));
    if (invocation.json) await print(process.stdout, `${JSON.stringify(failureJson(error), null, 2)}\n`);
    return exitCodeFor(error);
  } finally {
    interrupt.dispose();
  }

  progress.stop();
  await rejects?.close();
  if (invocation.json) {
    await print(process.stdout, `${JSON.stringify(report, null, 2)}\n`);
  } else {
    const context = rejects && rejects.count > 0 ? { rejectsPath: rejects.path } : {};
    await print(process.stdout, loadReportText(report, context));
  }
  if (interrupt.interrupted && report.committed) {
    await print(process.stderr, 'Ctrl+C came after the commit: the load above is complete\n');
  }
  return exitCodeOf(report);
}

/**
 * The page and the worker share one contract (`@haul/worker/contract`): the page's typecheck is run
 * here, in memory, against edited copies of the worker's contract.ts, and each edit a page would have
 * to follow must break it where the page uses the changed shape. The unedited contract checks clean.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const PAGE = dirname(dirname(fileURLToPath(import.meta.url)));
const CONTRACT = realpathSync(join(PAGE, '../worker/src/contract.ts'));

/** The page's own typecheck (its tsconfig.json), with the worker's contract.ts replaced by `edit(text)`. */
function pageErrors(edit: (text: string) => string): string[] {
  const config = ts.readConfigFile(join(PAGE, 'tsconfig.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, PAGE);
  const options = { ...parsed.options, noEmit: true };
  const host = ts.createCompilerHost(options);
  const edited = edit(readFileSync(CONTRACT, 'utf8'));
  const isContract = (fileName: string) => {
    try {
      return realpathSync(fileName) === CONTRACT;
    } catch {
      return false;
    }
  };
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, language, ...rest) =>
    isContract(fileName)
      ? ts.createSourceFile(fileName, edited, language)
      : getSourceFile(fileName, language, ...rest);
  const program = ts.createProgram(parsed.fileNames, options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file ? relative(PAGE, d.file.fileName) : '';
    return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
}

function replaced(from: string, to: string): (text: string) => string {
  return (text) => {
    if (!text.includes(from)) throw new Error(`contract.ts no longer has ${JSON.stringify(from)}`);
    return text.replace(from, to);
  };
}

describe("the page typechecks against the worker's contract", () => {
  it('as it is: no errors', () => {
    expect(pageErrors((text) => text)).toEqual([]);
  }, 60_000);

  it('a new batch outcome: the console must say what it means', () => {
    const errors = pageErrors(
      replaced(
        "export type StatementOutcome = 'rolled-back' | 'aborted-transaction' | 'skipped';",
        "export type StatementOutcome = 'rolled-back' | 'aborted-transaction' | 'skipped' | 'retried';",
      ),
    );
    expect(errors.some((e) => e.startsWith('src/ui/sql-result-view.ts') && e.includes('retried'))).toBe(true);
  }, 60_000);

  it("a renamed error field: the load panel's error view stops compiling", () => {
    const errors = pageErrors(replaced('  line?: number;', '  sourceLine?: number;'));
    expect(errors.some((e) => e.startsWith('src/ui/load-outcome.ts') && e.includes("'line'"))).toBe(true);
  }, 60_000);

  it('a renamed load parameter: the page cannot ask for it', () => {
    const errors = pageErrors(replaced('  onError?: ', '  onBadRow?: '));
    expect(errors.some((e) => e.startsWith('src/') && e.includes('onError'))).toBe(true);
  }, 60_000);
});

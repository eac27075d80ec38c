import { describe, expect, it } from 'vitest';
import { rejectsCsv } from '../src/source/rejects-csv.ts';

describe('rejectsCsv', () => {
  it('writes line,column,sqlstate,error,text with RFC 4180 quoting', async () => {
    const blob = rejectsCsv([
      {
        line: 3,
        column: 'amount',
        sqlstate: '22P02',
        error: 'invalid input syntax for type numeric: "zz"',
        text: '2,b,zz',
      },
      { line: 9, error: 'too many fields', text: ' padded ' },
    ]);
    expect(await blob.text()).toBe(
      'line,column,sqlstate,error,text\r\n' +
        '3,amount,22P02,"invalid input syntax for type numeric: ""zz""","2,b,zz"\r\n' +
        '9,,,too many fields," padded "\r\n',
    );
  });
});

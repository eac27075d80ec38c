/** The `--help` texts. Kept next to each other so the commands read alike. */

const EXIT_CODES = `Exit codes:
  0    success
  1    failed (a load is rolled back; the error names line, column, value and SQLSTATE)
  2    usage or configuration error (bad flag, no URL, no such table, unknown columns)
  3    loaded, but some rows were rejected (--on-error reject)
  130  interrupted by Ctrl+C (a load is rolled back; a second Ctrl+C exits at once)`;

export const MAIN_HELP = `haul: sharded, all-or-nothing PostgreSQL loads and partitioned exports

Usage:
  haul load <file|-> --table T [options]     load CSV/TSV/NDJSON/JSON (gzip detected) into a table
  haul export <table> | --query SQL [options] write a table or query as CSV, NDJSON or binary COPY
  haul recover [--commit ID | --rollback ID | --auto [ID]]
                                             list or resolve loads left prepared by a crashed run

The server is --url URL, or DATABASE_URL from the environment.
Run \`haul <command> --help\` for a command's options; \`haul --version\` prints the version.

${EXIT_CODES}
`;

export const LOAD_HELP = `Usage: haul load <file|-> --table T [options]

Loads a file (streamed, never read whole; .gz is detected from its bytes) or stdin (-) into T, over
one COPY per shard, all or nothing by default.

Source:
  -t, --table T             target table, name or schema.name (required)
      --url URL             server (default: DATABASE_URL)
  -f, --format F            csv | tsv | ndjson | json (default: from the file's extension; csv for stdin)
      --header, --no-header the first line names the columns (default: yes for csv/tsv)
      --delimiter C         field delimiter, one character; "\\t" or "tab" for a tab
      --quote C             quote character (default ")
      --escape C            escape character inside quotes (default: the quote)
      --null S              the unquoted text meaning NULL (default: empty for csv, \\N for tsv)
      --columns a,b,c       target columns the source fields fill, in source order
      --ignore-unknown      skip source columns the table does not have
      --create-table        create T from the first rows when it does not exist (blank header
                            names become colN, repeated ones name_2); dropped again if the load
                            fails before any row of it commits

Load:
      --shards N|auto       parallel connections, one COPY each (default and auto: 4; a new
                            one opens only while every open one has work waiting)
      --mode atomic|batches atomic: all or nothing (default); batches: commit every --batch-rows
                            rows per shard, and resume a failed run with the same --load-id
      --commit auto|two-phase|staged|barrier
                            how an atomic load commits. auto (default): two-phase where the
                            server allows prepared transactions, else one shard (the fastest
                            all-or-nothing load there); staged: batches into a staging table,
                            published in one transaction on any server, and a failed run
                            resumes with the same --load-id; barrier: every shard's COMMIT at
                            once, which a lost connection can leave partly committed
      --conflict error|skip|update
                            a row whose --key the table has: error fails the load (default);
                            skip keeps the table's row (and a repeated key's first row);
                            update sets its other loaded columns (a repeated key's last row
                            wins). skip and update imply --commit staged
      --key COL[,COL…]      a primary key or unique index of the table, for --conflict
      --replace             replace the table's rows with the file's in one transaction (readers
                            see the old rows or the new, never neither); implies --commit staged
      --batch-rows N        rows per committed (batches mode) or staged batch (default 100000)
      --load-id ID          name the load, for \`haul recover\` and resuming (default: a random UUID)
      --on-error abort|reject
                            abort: roll everything back at the first bad row (default);
                            reject: set bad rows aside in the rejects file and load the rest
      --rejects FILE        rejects file (implies --on-error reject; default <file>.rejects.csv,
                            or haul.rejects.csv for stdin)
      --max-rejects N       fail (and roll back) once more than N rows are rejected (default: no limit)
      --max-row-bytes SIZE  the longest row accepted, e.g. 256MiB (default 64MiB); a longer one
                            (a missing line ending, an unterminated quote) fails the load
      --stall-timeout S     fail (and roll back) when the server makes no progress for S seconds
                            while the load waits on it (default 60; 0: wait forever)
      --copy-format auto|raw|binary|mixed|text
                            raw: CSV/TSV rows sent as they are, parsed by the server in the same
                            dialect; binary: converted here; mixed: raw and binary shards, each
                            batch sent whichever way keeps both sides busy; text: re-encoded as
                            COPY text.
                            auto (default): mixed for several shards, binary for one shard or
                            --on-error reject, raw with --mode batches; each when the fields map
                            1:1 onto the columns and every type converts, else raw, else text

Output:
      --json                print the final report as JSON
  -q, --quiet               no progress bars (they are drawn only when stderr is a terminal)

The rejects file is CSV with a header line: line,column,sqlstate,error,text
  line      1-based line of the source where the rejected row starts
  column    the target column at fault, when known
  sqlstate  the server's SQLSTATE, when the server refused the row
  error     what was wrong
  text      the row's original text (for NDJSON/JSON, the element's JSON)
It is written (replacing any earlier file) when the first row is rejected.

${EXIT_CODES}
`;

export const EXPORT_HELP = `Usage: haul export <table> [options]
       haul export --query SQL [options]

Writes a table or a query's rows to stdout or a file, in parallel range partitions when asked.

      --url URL             server (default: DATABASE_URL)
      --query SQL           export a query's rows instead of a table
      --partition-on COL    range-partition on this column (integer, numeric, date/time or text)
      --partitions N        partitions, one connection each (default 4 with --partition-on, else 1)
  -f, --format F            csv | ndjson | binary (default csv)
      --no-header           csv without the header line
      --no-snapshot         let partitions read independently (default: one consistent snapshot)
  -o, --output FILE         write here instead of stdout
  -q, --quiet               no summary on stderr

Stdout is written with backpressure; a closed pipe (e.g. \`| head\`) ends the export quietly.

${EXIT_CODES}
`;

export const RECOVER_HELP = `Usage: haul recover [--url URL] [--json]
       haul recover [--url URL] --commit ID | --rollback ID | --auto [ID] | --drop ID

A two-phase load whose coordinator died between PREPARE and COMMIT leaves prepared transactions on
the server, holding locks. Without an action, lists them; --commit or --rollback resolves one load;
--auto resolves one load (or all) as each load's recorded decision says.

A --create-table load that dies leaves its table provisional (created, marked with a
\`haul:create:<load id>\` comment, never committed into). The list shows such tables; resolving
settles them afterwards: dropped when empty and no load or session uses it, else kept.
A --commit staged load that fails keeps its staged batches for a re-run with the same --load-id.
The list shows such loads; --drop ID drops one (nothing is published). A staged load also drops,
as it starts, staged loads older than 7 days that no run is using.
--json prints { "loads": [...], "tables": [...], "staged": [...] }.

${EXIT_CODES}
`;

/** Writing to stdout/stderr in a way that survives `process.exit` right after. */

/**
 * Resolves once `text` is handed to the OS. Output to a pipe can be asynchronous in Node, and a
 * `process.exit` before the callback would cut the report short.
 */
export function print(stream: NodeJS.WriteStream, text: string): Promise<void> {
  return new Promise<void>((resolve) => {
    // An error (EPIPE: the reader went away) is not worth failing over at this point.
    stream.write(text, () => resolve());
  });
}

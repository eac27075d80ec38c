/** Reads an NDJSON response body as it arrives: one parsed value per line. */
export async function* ndjsonLines(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<unknown, void, undefined> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        break;
      }
      buffered += decoder.decode(value, { stream: true });
      let newline = buffered.indexOf('\n');
      while (newline >= 0) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        if (line !== '') yield JSON.parse(line);
        newline = buffered.indexOf('\n');
      }
    }
    buffered += decoder.decode();
    if (buffered.trim() !== '') yield JSON.parse(buffered);
  } finally {
    // Leaving early (an abort, a consumer's break) cancels the rest of the response. Not after the end:
    // Chromium may not have marked the request complete yet, and a cancel then fails it (ERR_ABORTED).
    if (finished) reader.releaseLock();
    else await reader.cancel().catch(() => {});
  }
}

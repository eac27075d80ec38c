/** Saving a Blob as a file, and the object URLs that <a download> links need (revoked when replaced). */

export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started by the next task; the URL is then no longer needed.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Points `link` at `blob`, releasing the URL it pointed at before. */
export function setDownload(link: HTMLAnchorElement, blob: Blob, fileName: string): void {
  if (link.href.startsWith('blob:')) URL.revokeObjectURL(link.href);
  link.href = URL.createObjectURL(blob);
  link.download = fileName;
}

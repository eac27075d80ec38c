/**
 * @haul/protocol/copy — COPY's formats and framing: the PGCOPY stream (signature, header, trailer,
 * header parsing, big-endian field reads) and CopyData messages framed into a reserved header; with
 * the binary COPY encoder and decoder built on them.
 */
export { BinaryCopyDecoder, type BinaryCopyDecoderOptions } from './binary-decoder.ts';
export {
  BinaryCopyEncoder,
  type BinaryCopyEncoderOptions,
  COPY_FRAME_TARGET,
  type CopyColumn,
  CopyEncodeError,
} from './binary-encoder.ts';
export {
  beginCopyData,
  COPY_DATA,
  COPY_DATA_HEADER_LENGTH,
  copyDataMessage,
  endCopyData,
  PGCOPY_HEADER,
  PGCOPY_HEADER_LENGTH,
  PGCOPY_SIGNATURE,
  PGCOPY_TRAILER,
  readInt16,
  readInt32,
  readPgcopyHeader,
} from './pgcopy.ts';

// Caps on what an archive may extract to. Declared sizes are checked before any byte is written;
// the bytes actually produced are counted too, since a zip entry can lie about its size.
import { MlsError } from '../errors.js';
import { formatBytes } from '../units.js';
import type { ExtractLimits } from './types.js';

const GiB = 1024 ** 3;

/**
 * Defaults sized for model archives: a few files, the largest public single-file ONNX models are
 * tens of GB (ONNX's protobuf limit is 2 GB per file unless weights are external).
 */
export const DEFAULT_LIMITS: ExtractLimits = {
  maxTotalBytes: 64 * GiB,
  maxEntries: 10_000,
  maxEntryBytes: 32 * GiB,
};

export function resolveLimits(partial: Partial<ExtractLimits> = {}): ExtractLimits {
  return { ...DEFAULT_LIMITS, ...Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined)) };
}

/** Counts entries and bytes against the limits; throws the matching code when one is passed. */
export class LimitTracker {
  private entries = 0;
  private declaredTotal = 0;
  private writtenTotal = 0;

  constructor(
    private readonly limits: ExtractLimits,
    private readonly archive: string,
  ) {}

  /** Called when the archive announces its entry count up front (zip central directory). */
  checkEntryCount(count: number): void {
    if (count > this.limits.maxEntries) this.tooMany(count);
  }

  /** Called for each entry with the size it declares, before reading it. */
  addEntry(path: string, declaredBytes: number): void {
    this.entries += 1;
    if (this.entries > this.limits.maxEntries) this.tooMany(this.entries);
    if (declaredBytes > this.limits.maxEntryBytes) this.entryTooLarge(path, declaredBytes);
    this.declaredTotal += declaredBytes;
    if (this.declaredTotal > this.limits.maxTotalBytes) this.tooLarge(this.declaredTotal);
  }

  /** Called as bytes are written, whatever the entry declared. */
  addWritten(path: string, entryBytesSoFar: number, chunk: number): void {
    this.writtenTotal += chunk;
    if (entryBytesSoFar > this.limits.maxEntryBytes) this.entryTooLarge(path, entryBytesSoFar);
    if (this.writtenTotal > this.limits.maxTotalBytes) this.tooLarge(this.writtenTotal);
  }

  get declaredBytes(): number {
    return this.declaredTotal;
  }

  private tooMany(count: number): never {
    throw new MlsError('MLS_ERR_ARCHIVE_TOO_MANY_ENTRIES', { archive: this.archive, count, maxEntries: this.limits.maxEntries }, {
      details: { archive: this.archive, entries: count, limit: this.limits.maxEntries },
    });
  }

  private tooLarge(bytes: number): never {
    throw new MlsError(
      'MLS_ERR_ARCHIVE_TOO_LARGE',
      { archive: this.archive, bytes: formatBytes(bytes), maxTotalBytes: formatBytes(this.limits.maxTotalBytes) },
      { details: { archive: this.archive, bytes, limit: this.limits.maxTotalBytes } },
    );
  }

  private entryTooLarge(path: string, bytes: number): never {
    throw new MlsError(
      'MLS_ERR_ARCHIVE_ENTRY_TOO_LARGE',
      { archive: this.archive, path, bytes: formatBytes(bytes), maxEntryBytes: formatBytes(this.limits.maxEntryBytes) },
      { details: { archive: this.archive, entry: path, bytes, limit: this.limits.maxEntryBytes } },
    );
  }
}

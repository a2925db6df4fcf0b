// The zip-store format (entries stored, not deflated). archiver streams stored entries with a data
// descriptor (sizes and CRC after the data), which java.util.zip.ZipInputStream — what TorchServe
// unzips .mar files with — refuses ("only DEFLATED entries can have EXT descriptor"). So, like
// Python's zipfile writing to a seekable file, this writer streams each file once into a temporary
// file and then patches its local header with the CRC and sizes. Zip64 records when needed.
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { MlsError, toMlsError } from '../errors.js';
import { tempPathFor } from '../fs/atomic.js';
import type { InputFile } from './inputs.js';
import { MANIFEST_PATH } from './manifest.js';
import { READ_CHUNK } from './write-archiver.js';
import type { ArchiveProgress } from './types.js';

const U32 = 0xffffffff;
const U16 = 0xffff;

interface Written {
  name: Buffer;
  utf8: boolean;
  crc: number;
  size: number;
  offset: number;
  time: number;
  date: number;
  mode: number;
  zip64: boolean;
}

/** MS-DOS date and time fields (local time, 2-second resolution, from 1980) as zip stores them. */
export function dosDateTime(d: Date): { time: number; date: number } {
  const year = Math.max(1980, Math.min(2107, d.getFullYear()));
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
    date: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

function localHeader(e: Written): Buffer {
  const extra = e.zip64 ? Buffer.alloc(20) : Buffer.alloc(0);
  if (e.zip64) {
    extra.writeUInt16LE(0x0001, 0);
    extra.writeUInt16LE(16, 2);
    extra.writeBigUInt64LE(BigInt(e.size), 4);
    extra.writeBigUInt64LE(BigInt(e.size), 12);
  }
  const h = Buffer.alloc(30);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(e.zip64 ? 45 : 20, 4);
  h.writeUInt16LE(e.utf8 ? 0x0800 : 0, 6);
  h.writeUInt16LE(0, 8); // stored
  h.writeUInt16LE(e.time, 10);
  h.writeUInt16LE(e.date, 12);
  h.writeUInt32LE(e.crc >>> 0, 14);
  h.writeUInt32LE(e.zip64 ? U32 : e.size, 18);
  h.writeUInt32LE(e.zip64 ? U32 : e.size, 22);
  h.writeUInt16LE(e.name.length, 26);
  h.writeUInt16LE(extra.length, 28);
  return Buffer.concat([h, e.name, extra]);
}

function centralHeader(e: Written): Buffer {
  const bigSize = e.size >= U32;
  const bigOffset = e.offset >= U32;
  const fields: bigint[] = [];
  if (bigSize) fields.push(BigInt(e.size), BigInt(e.size));
  if (bigOffset) fields.push(BigInt(e.offset));
  const extra = Buffer.alloc(fields.length ? 4 + 8 * fields.length : 0);
  if (fields.length) {
    extra.writeUInt16LE(0x0001, 0);
    extra.writeUInt16LE(8 * fields.length, 2);
    fields.forEach((v, i) => extra.writeBigUInt64LE(v, 4 + 8 * i));
  }
  const h = Buffer.alloc(46);
  h.writeUInt32LE(0x02014b50, 0);
  h.writeUInt16LE((3 << 8) | 45, 4); // made by unix, so the permission bits below are read
  h.writeUInt16LE(e.zip64 || fields.length ? 45 : 20, 6);
  h.writeUInt16LE(e.utf8 ? 0x0800 : 0, 8);
  h.writeUInt16LE(0, 10);
  h.writeUInt16LE(e.time, 12);
  h.writeUInt16LE(e.date, 14);
  h.writeUInt32LE(e.crc >>> 0, 16);
  h.writeUInt32LE(bigSize ? U32 : e.size, 20);
  h.writeUInt32LE(bigSize ? U32 : e.size, 24);
  h.writeUInt16LE(e.name.length, 28);
  h.writeUInt16LE(extra.length, 30);
  h.writeUInt32LE(((0o100000 | e.mode) << 16) >>> 0, 38);
  h.writeUInt32LE(bigOffset ? U32 : e.offset, 42);
  return Buffer.concat([h, e.name, extra]);
}

function endRecords(count: number, cdOffset: number, cdSize: number): Buffer {
  const parts: Buffer[] = [];
  const zip64 = count >= U16 || cdOffset >= U32 || cdSize >= U32;
  if (zip64) {
    const rec = Buffer.alloc(56);
    rec.writeUInt32LE(0x06064b50, 0);
    rec.writeBigUInt64LE(44n, 4);
    rec.writeUInt16LE((3 << 8) | 45, 12);
    rec.writeUInt16LE(45, 14);
    rec.writeBigUInt64LE(BigInt(count), 24);
    rec.writeBigUInt64LE(BigInt(count), 32);
    rec.writeBigUInt64LE(BigInt(cdSize), 40);
    rec.writeBigUInt64LE(BigInt(cdOffset), 48);
    const loc = Buffer.alloc(20);
    loc.writeUInt32LE(0x07064b50, 0);
    loc.writeBigUInt64LE(BigInt(cdOffset + cdSize), 8);
    loc.writeUInt32LE(1, 16);
    parts.push(rec, loc);
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(zip64 ? U16 : count, 8);
  end.writeUInt16LE(zip64 ? U16 : count, 10);
  end.writeUInt32LE(zip64 ? U32 : cdSize, 12);
  end.writeUInt32LE(zip64 ? U32 : cdOffset, 16);
  parts.push(end);
  return Buffer.concat(parts);
}

class StoreZipFile {
  private offset = 0;
  readonly entries: Written[] = [];

  constructor(private readonly fh: FileHandle) {}

  private async put(buf: Buffer, at = this.offset): Promise<void> {
    await this.fh.write(buf, 0, buf.length, at);
    if (at === this.offset) this.offset += buf.length;
  }

  async add(name: string, mtime: Date, mode: number, declaredSize: number, chunks: AsyncIterable<Buffer>, onBytes: (n: number) => void): Promise<void> {
    const e: Written = {
      name: Buffer.from(name, 'utf8'),
      utf8: /[^\x20-\x7e]/.test(name),
      crc: 0,
      size: declaredSize,
      offset: this.offset,
      ...dosDateTime(mtime),
      mode,
      zip64: declaredSize >= U32,
    };
    const headerLength = localHeader(e).length;
    this.offset += headerLength; // the header is written once the CRC is known
    let size = 0;
    let crc = 0;
    for await (const chunk of chunks) {
      crc = crc32(chunk, crc);
      await this.put(chunk);
      size += chunk.length;
      onBytes(chunk.length);
    }
    if (size !== declaredSize && (size >= U32) !== e.zip64) {
      throw new MlsError('MLS_ERR_ARCHIVE_INPUT_NOT_FOUND', { changedSize: { name } });
    }
    e.size = size;
    e.crc = crc;
    await this.put(localHeader(e), e.offset);
    this.entries.push(e);
  }

  async finish(): Promise<number> {
    const cdOffset = this.offset;
    for (const e of this.entries) await this.put(centralHeader(e));
    await this.put(endRecords(this.entries.length, cdOffset, this.offset - cdOffset));
    return this.offset;
  }
}

async function* once(buf: Buffer): AsyncIterable<Buffer> {
  yield buf;
}

/** A file's bytes through one reused buffer: each chunk is written before the next read, so no garbage piles up. */
async function* fileChunks(path: string, buf: Buffer): AsyncIterable<Buffer> {
  const fh = await open(path, 'r');
  try {
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) return;
      yield buf.subarray(0, bytesRead);
    }
  } finally {
    await fh.close();
  }
}

/** Writes a stored zip atomically and returns its size in bytes. */
export async function writeZipStore(
  target: string,
  files: InputFile[],
  manifestText: string,
  now: Date,
  onProgress?: (p: ArchiveProgress) => void,
): Promise<number> {
  const totalBytes = files.reduce((s, f) => s + f.size, 0);
  const tmp = tempPathFor(target);
  let fh: FileHandle | undefined;
  try {
    fh = await open(tmp, 'w');
    const zip = new StoreZipFile(fh);
    let bytes = 0;
    const onBytes = (n: number) => {
      bytes += n;
      onProgress?.({ bytes, totalBytes });
    };
    const buf = Buffer.allocUnsafe(READ_CHUNK);
    for (const f of files) await zip.add(f.name, f.mtime, f.mode, f.size, fileChunks(f.source, buf), onBytes);
    const manifest = Buffer.from(manifestText, 'utf8');
    await zip.add(MANIFEST_PATH, now, 0o644, manifest.length, once(manifest), () => {});
    const size = await zip.finish();
    await fh.close();
    fh = undefined;
    await rename(tmp, target);
    return size;
  } catch (e) {
    await fh?.close().catch(() => {});
    await rm(tmp, { force: true });
    throw toMlsError(e);
  }
}

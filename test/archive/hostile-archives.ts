// Builders of hostile archives for the tests: a hand-written zip encoder (any name, any declared
// size, any mode bits, zip64 sizes) and tgz files through tar-stream, with headers patched where
// tar-stream would refuse to write the lie.
import { crc32, deflateRawSync, gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';

export interface ZipEntrySpec {
  name: string;
  data?: Buffer;
  /** Uncompressed size written in the headers (defaults to the real one). */
  declaredSize?: number;
  /** Unix mode with type bits (0o120777 for a symlink); written as made-by unix. */
  mode?: number;
  deflate?: boolean;
}

const MANIFEST = (name: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ createdOn: '01/02/2024 03:04:05', runtime: 'python', model: { modelName: name, serializedFile: 'model.onnx', handler: 'base_handler', modelVersion: '1.0', ...extra }, archiverVersion: '0.12.0' }, null, 2);

/** The files of a small valid archive; hostile entries are added to these. */
export function validEntries(name = 'evil'): ZipEntrySpec[] {
  return [
    { name: 'model.onnx', data: Buffer.alloc(64, 7) },
    { name: 'MAR-INF/MANIFEST.json', data: Buffer.from(MANIFEST(name)) },
  ];
}

export function buildZip(entries: ZipEntrySpec[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const raw = e.data ?? Buffer.alloc(0);
    const body = e.deflate ? deflateRawSync(raw) : raw;
    const size = e.declaredSize ?? raw.length;
    const zip64 = size >= 0xffffffff;
    const name = Buffer.from(e.name, 'utf8');
    const crc = crc32(raw);
    const extra = zip64 ? Buffer.alloc(20) : Buffer.alloc(0);
    if (zip64) {
      extra.writeUInt16LE(1, 0);
      extra.writeUInt16LE(16, 2);
      extra.writeBigUInt64LE(BigInt(size), 4);
      extra.writeBigUInt64LE(BigInt(e.deflate ? body.length : size), 12);
    }
    const csize = e.deflate ? body.length : size;
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(zip64 ? 45 : 20, 4);
    lh.writeUInt16LE(0x0800, 6);
    lh.writeUInt16LE(e.deflate ? 8 : 0, 8);
    lh.writeUInt32LE(crc, 14);
    lh.writeUInt32LE(zip64 ? 0xffffffff : csize, 18);
    lh.writeUInt32LE(zip64 ? 0xffffffff : size, 22);
    lh.writeUInt16LE(name.length, 26);
    lh.writeUInt16LE(extra.length, 28);
    const local = Buffer.concat([lh, name, extra, body]);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE((3 << 8) | 45, 4);
    ch.writeUInt16LE(zip64 ? 45 : 20, 6);
    ch.writeUInt16LE(0x0800, 8);
    ch.writeUInt16LE(e.deflate ? 8 : 0, 10);
    ch.writeUInt32LE(crc, 16);
    ch.writeUInt32LE(zip64 ? 0xffffffff : csize, 20);
    ch.writeUInt32LE(zip64 ? 0xffffffff : size, 24);
    ch.writeUInt16LE(name.length, 28);
    ch.writeUInt16LE(extra.length, 30);
    ch.writeUInt32LE((((e.mode ?? 0o100644) & 0xffff) << 16) >>> 0, 38);
    ch.writeUInt32LE(offset, 42);
    centrals.push(Buffer.concat([ch, name, extra]));
    locals.push(local);
    offset += local.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  const count = Math.min(entries.length, 0xffff);
  end.writeUInt16LE(count, 8);
  end.writeUInt16LE(count, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  const parts = [...locals, cd];
  if (entries.length >= 0xffff) {
    // zip64 end records carry the real entry count
    const rec = Buffer.alloc(56);
    rec.writeUInt32LE(0x06064b50, 0);
    rec.writeBigUInt64LE(44n, 4);
    rec.writeUInt16LE(45, 12);
    rec.writeUInt16LE(45, 14);
    rec.writeBigUInt64LE(BigInt(entries.length), 24);
    rec.writeBigUInt64LE(BigInt(entries.length), 32);
    rec.writeBigUInt64LE(BigInt(cd.length), 40);
    rec.writeBigUInt64LE(BigInt(offset), 48);
    const loc = Buffer.alloc(20);
    loc.writeUInt32LE(0x07064b50, 0);
    loc.writeBigUInt64LE(BigInt(offset + cd.length), 8);
    loc.writeUInt32LE(1, 16);
    end.writeUInt16LE(0xffff, 8);
    end.writeUInt16LE(0xffff, 10);
    end.writeUInt32LE(0xffffffff, 12);
    end.writeUInt32LE(0xffffffff, 16);
    parts.push(rec, loc);
  }
  parts.push(end);
  return Buffer.concat(parts);
}

export interface TarEntrySpec {
  name: string;
  data?: Buffer;
  type?: 'file' | 'directory' | 'symlink' | 'link';
  linkname?: string;
}

export async function buildTgz(entries: TarEntrySpec[]): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const c of p as AsyncIterable<Buffer>) chunks.push(c);
  })();
  for (const e of entries) {
    if (e.type === 'symlink' || e.type === 'link' || e.type === 'directory') p.entry({ name: e.name, type: e.type, linkname: e.linkname });
    else p.entry({ name: e.name }, e.data ?? Buffer.alloc(0));
  }
  p.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks));
}

async function tarOf(name: string, data: Buffer): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const c of p as AsyncIterable<Buffer>) chunks.push(c);
  })();
  p.entry({ name }, data);
  p.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** Rewrites a ustar header's checksum after a field was patched. */
function fixChecksum(header: Buffer): void {
  header.fill(' ', 148, 156);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += header[i]!;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
}

/** A tgz whose first entry's header declares `declared` bytes (octal size field, checksum fixed). */
export async function tgzDeclaring(name: string, declared: number): Promise<Buffer> {
  const tar = await tarOf(name, Buffer.alloc(1));
  tar.write(`${declared.toString(8).padStart(11, '0')}\0`, 124, 12, 'ascii');
  fixChecksum(tar);
  return gzipSync(tar);
}

/** A tgz of `count` empty files m/f<i>, headers stamped from one template (fast for 100,000). */
export async function tgzMany(count: number): Promise<Buffer> {
  const template = (await tarOf('m/f', Buffer.alloc(0))).subarray(0, 512);
  const tar = Buffer.alloc(512 * count + 1024);
  for (let i = 0; i < count; i++) {
    const h = tar.subarray(512 * i, 512 * (i + 1));
    template.copy(h);
    h.fill(0, 0, 100);
    h.write(`m/f${i}`, 0, 100, 'utf8');
    fixChecksum(h);
  }
  return gzipSync(tar);
}

export { MANIFEST as manifestText };

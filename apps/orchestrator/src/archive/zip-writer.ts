import { createReadStream } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { crc32, deflateRawSync } from 'node:zlib';

/** A file already deflated (raw DEFLATE), with what a zip needs to know about it. */
export interface DeflatedFile {
  /** The raw DEFLATE stream: in memory, or in the file at `path`. */
  data?: Buffer;
  path?: string;
  crc32: number;
  /** Bytes before deflating. */
  size: number;
  /** Bytes of the DEFLATE stream. */
  compressedSize: number;
}

interface CentralEntry {
  name: Buffer;
  crc32: number;
  size: number;
  compressedSize: number;
  offset: number;
}

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const ZIP64_END_OF_CENTRAL_DIRECTORY = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EXTRA = 0x0001;
const DEFLATE = 8;
/** Bit 11: names are UTF-8. */
const UTF8_NAMES = 0x0800;
const VERSION_DEFLATE = 20;
const VERSION_ZIP64 = 45;
/** Made by: UNIX (upper byte 3), so the external attributes hold a file mode. */
const MADE_BY_UNIX = (3 << 8) | VERSION_ZIP64;
/** A regular file readable and writable by its owner only: archives hold personal data. */
const FILE_MODE = 0o100600;
const MAX_16 = 0xffff;
const MAX_32 = 0xffffffff;
const COPY_CHUNK_BYTES = 1024 * 1024;

/**
 * A zip file (APPNOTE 6.3) written front to back from files deflated beforehand. Every entry's
 * CRC-32 and sizes are known before its header is written, so there are no data descriptors, and
 * ZIP64 fields appear only where a size, an offset or the number of entries needs them.
 *
 * Why not a zip library: those we looked at (yazl, archiver's zip-stream) deflate each entry
 * themselves, one after the other, with a CRC-32 in JavaScript. An export deflates its JSON and
 * CSV files side by side on zlib's threads while the rows are read, then only copies bytes here.
 */
export class ZipWriter {
  private readonly entries: CentralEntry[] = [];
  private readonly time: { date: number; time: number };
  private offset = 0;

  /**
   * @param zip64Above sizes and offsets above this get ZIP64 fields; lowered only by tests, which
   * cannot write 4 GiB.
   */
  constructor(
    private readonly out: FileHandle,
    modified: Date,
    private readonly zip64Above = MAX_32 - 1,
  ) {
    this.time = dosDateTime(modified);
  }

  /** Appends a file deflated beforehand, copying its DEFLATE stream. */
  async addDeflated(name: string, file: DeflatedFile): Promise<void> {
    const entry: CentralEntry = {
      name: Buffer.from(name, 'utf8'),
      offset: this.offset,
      crc32: file.crc32,
      size: file.size,
      compressedSize: file.compressedSize,
    };
    await this.write(this.localHeader(entry));
    let copied = 0;
    const chunks =
      file.data !== undefined
        ? [file.data]
        : createReadStream(file.path ?? '', { highWaterMark: COPY_CHUNK_BYTES });
    for await (const chunk of chunks) {
      copied += (chunk as Buffer).length;
      await this.write(chunk as Buffer);
    }
    if (copied !== file.compressedSize) {
      throw new Error(`${name}: ${copied} bytes deflated on disk, ${file.compressedSize} expected`);
    }
    this.entries.push(entry);
  }

  /** Appends a small file held in memory (the manifest). */
  async addBuffer(name: string, data: Buffer): Promise<void> {
    const deflated = deflateRawSync(data, { level: 1 });
    await this.addDeflated(name, {
      data: deflated,
      crc32: crc32(data),
      size: data.length,
      compressedSize: deflated.length,
    });
  }

  /** Writes the central directory and its end records; the zip is then complete. */
  async finish(): Promise<void> {
    const start = this.offset;
    for (const entry of this.entries) {
      await this.write(this.centralHeader(entry));
    }
    const size = this.offset - start;
    const count = this.entries.length;
    if (count >= MAX_16 || this.large(start) || this.large(size)) {
      const record = this.offset;
      const zip64End = Buffer.alloc(56);
      zip64End.writeUInt32LE(ZIP64_END_OF_CENTRAL_DIRECTORY, 0);
      zip64End.writeBigUInt64LE(44n, 4); // the record's size after this field
      zip64End.writeUInt16LE(MADE_BY_UNIX, 12);
      zip64End.writeUInt16LE(VERSION_ZIP64, 14);
      // Disk numbers (16, 20) are 0: one disk.
      zip64End.writeBigUInt64LE(BigInt(count), 24);
      zip64End.writeBigUInt64LE(BigInt(count), 32);
      zip64End.writeBigUInt64LE(BigInt(size), 40);
      zip64End.writeBigUInt64LE(BigInt(start), 48);
      const locator = Buffer.alloc(20);
      locator.writeUInt32LE(ZIP64_LOCATOR, 0);
      locator.writeBigUInt64LE(BigInt(record), 8);
      locator.writeUInt32LE(1, 16); // disks in all
      await this.write(Buffer.concat([zip64End, locator]));
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(END_OF_CENTRAL_DIRECTORY, 0);
    end.writeUInt16LE(Math.min(count, MAX_16), 8);
    end.writeUInt16LE(Math.min(count, MAX_16), 10);
    end.writeUInt32LE(this.large(size) ? MAX_32 : size, 12);
    end.writeUInt32LE(this.large(start) ? MAX_32 : start, 16);
    await this.write(end);
  }

  private localHeader(entry: CentralEntry): Buffer {
    // In a local header, ZIP64 carries both sizes or neither (APPNOTE 4.5.3).
    const zip64 = this.large(entry.size) || this.large(entry.compressedSize);
    const extra = zip64 ? zip64Extra([entry.size, entry.compressedSize]) : Buffer.alloc(0);
    const header = Buffer.alloc(30);
    header.writeUInt32LE(LOCAL_HEADER, 0);
    header.writeUInt16LE(zip64 ? VERSION_ZIP64 : VERSION_DEFLATE, 4);
    this.writeCommon(header, 6, entry, zip64);
    header.writeUInt16LE(entry.name.length, 26);
    header.writeUInt16LE(extra.length, 28);
    return Buffer.concat([header, entry.name, extra]);
  }

  private centralHeader(entry: CentralEntry): Buffer {
    // Here ZIP64 carries only the fields that overflow, in this order.
    const wide = [entry.size, entry.compressedSize, entry.offset].filter((n) => this.large(n));
    const extra = wide.length > 0 ? zip64Extra(wide) : Buffer.alloc(0);
    const header = Buffer.alloc(46);
    header.writeUInt32LE(CENTRAL_HEADER, 0);
    header.writeUInt16LE(MADE_BY_UNIX, 4);
    header.writeUInt16LE(wide.length > 0 ? VERSION_ZIP64 : VERSION_DEFLATE, 6);
    this.writeCommon(header, 8, entry, false);
    if (this.large(entry.size)) {
      header.writeUInt32LE(MAX_32, 24);
    }
    if (this.large(entry.compressedSize)) {
      header.writeUInt32LE(MAX_32, 20);
    }
    header.writeUInt16LE(entry.name.length, 28);
    header.writeUInt16LE(extra.length, 30);
    // Comment length (32), disk (34) and internal attributes (36) are 0.
    header.writeUInt32LE((FILE_MODE << 16) >>> 0, 38);
    header.writeUInt32LE(this.large(entry.offset) ? MAX_32 : entry.offset, 42);
    return Buffer.concat([header, entry.name, extra]);
  }

  /** Flags, method, time, CRC-32 and sizes: the same fields in both headers, from `at`. */
  private writeCommon(header: Buffer, at: number, entry: CentralEntry, zip64: boolean): void {
    header.writeUInt16LE(UTF8_NAMES, at);
    header.writeUInt16LE(DEFLATE, at + 2);
    header.writeUInt16LE(this.time.time, at + 4);
    header.writeUInt16LE(this.time.date, at + 6);
    header.writeUInt32LE(entry.crc32, at + 8);
    header.writeUInt32LE(zip64 ? MAX_32 : Math.min(entry.compressedSize, MAX_32), at + 12);
    header.writeUInt32LE(zip64 ? MAX_32 : Math.min(entry.size, MAX_32), at + 16);
  }

  private large(value: number): boolean {
    return value > this.zip64Above;
  }

  private async write(data: Buffer): Promise<void> {
    let written = 0;
    while (written < data.length) {
      const { bytesWritten } = await this.out.write(data, written, data.length - written);
      written += bytesWritten;
    }
    this.offset += data.length;
  }
}

function zip64Extra(values: number[]): Buffer {
  const extra = Buffer.alloc(4 + 8 * values.length);
  extra.writeUInt16LE(ZIP64_EXTRA, 0);
  extra.writeUInt16LE(8 * values.length, 2);
  values.forEach((value, index) => extra.writeBigUInt64LE(BigInt(value), 4 + 8 * index));
  return extra;
}

/** MS-DOS date and time, local time as zip tools read it, two-second precision, from 1980. */
function dosDateTime(date: Date): { date: number; time: number } {
  const year = Math.max(1980, Math.min(2107, date.getFullYear()));
  return {
    date: ((year - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate(),
    time: (date.getHours() << 11) | (date.getMinutes() << 5) | (date.getSeconds() >> 1),
  };
}

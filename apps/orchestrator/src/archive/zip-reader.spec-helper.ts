import yauzl from 'yauzl';

/** One entry of a zip as a reader sees it: for the specs that check what was written. */
export interface ReadEntry {
  content: Buffer;
  crc32: number;
  /** The file mode from the external attributes (made by UNIX). */
  mode: number;
  modified: Date;
  /** Whether the entry carries a ZIP64 extra field. */
  zip64: boolean;
}

/** Every entry of the zip at `path`, inflated, by name, in the order of the central directory. */
export function readZip(path: string): Promise<Map<string, ReadEntry>> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, strictFileNames: true }, (error, zip) => {
      if (error) {
        return reject(error);
      }
      const entries = new Map<string, ReadEntry>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (err, stream) => {
          if (err) {
            return reject(err);
          }
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            entries.set(entry.fileName, {
              content: Buffer.concat(chunks),
              crc32: entry.crc32,
              mode: entry.externalFileAttributes >>> 16,
              modified: entry.getLastModDate(),
              zip64: entry.extraFields.some((field) => field.id === 0x0001),
            });
            zip.readEntry();
          });
          stream.on('error', reject);
        });
      });
      zip.on('end', () => resolve(entries));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

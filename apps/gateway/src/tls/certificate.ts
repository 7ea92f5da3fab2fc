import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export interface TlsMaterial {
  key: string;
  cert: string;
}

/**
 * The certificate for STARTTLS: the configured PEM files, or a self-signed pair for the XMPP
 * domain made on first start and reused afterwards (so clients that pinned it keep working).
 */
export async function loadOrCreateCertificate(options: {
  certFile?: string;
  keyFile?: string;
  dir: string;
  domain: string;
}): Promise<TlsMaterial> {
  if (options.certFile && options.keyFile) {
    return {
      cert: await readFile(options.certFile, 'utf8'),
      key: await readFile(options.keyFile, 'utf8'),
    };
  }
  const bundlePath = join(options.dir, `${options.domain}.pem`);
  const existing = await readFile(bundlePath, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') {
      return undefined;
    }
    throw error;
  });
  if (existing) {
    return splitBundle(existing);
  }
  const pems = await generate([{ name: 'commonName', value: options.domain }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 365 * 24 * 3600 * 1000),
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: options.domain }] }],
  });
  await mkdir(options.dir, { recursive: true, mode: 0o700 });
  // Key and certificate live in one file, published with link() so that two gateways starting
  // together cannot pair one's key with the other's certificate: the first link wins.
  const temporary = `${bundlePath}.${randomBytes(6).toString('hex')}`;
  await writeFile(temporary, pems.private + pems.cert, { mode: 0o600 });
  try {
    await link(temporary, bundlePath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw error;
    }
  } finally {
    await unlink(temporary);
  }
  return splitBundle(await readFile(bundlePath, 'utf8'));
}

function splitBundle(pem: string): TlsMaterial {
  const key = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]+?-----END [A-Z ]*PRIVATE KEY-----/.exec(
    pem,
  );
  const cert = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem);
  if (!key || !cert) {
    throw new Error('the TLS bundle holds no private key or no certificate');
  }
  return { key: key[0] + '\n', cert: cert[0] + '\n' };
}

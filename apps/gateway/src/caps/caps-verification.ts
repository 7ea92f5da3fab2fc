import { createHash } from 'node:crypto';
import { NS_DISCO_INFO, type Element } from '@sotto/xmpp';

const NS_DATA = 'jabber:x:data';

// The XEP-0115 hash names (IANA "Hash Function Textual Names") whose answers are verified and
// shared; MD5 and MD2 are left out: too weak to let one client's answer stand for everyone's.
const NODE_HASHES: Record<string, string> = {
  'sha-1': 'sha1',
  'sha-224': 'sha224',
  'sha-256': 'sha256',
  'sha-384': 'sha384',
  'sha-512': 'sha512',
};

// Bounds of the parts of an answer besides features (whose limit is configured): a client's real
// answer has a few identities and forms; these only keep sorting and hashing cheap.
const MAX_IDENTITIES = 64;
const MAX_FORMS = 16;
const MAX_FORM_VALUES = 512;
// Longest feature name kept (`CapsRecord`).
const MAX_FEATURE_LENGTH = 1024;

/** A disco#info answer that XEP-0115 §5.4 calls ill-formed, or one over the limits. */
export class CapsAnswerError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'CapsAnswerError';
  }
}

/** An XEP-0128 form as the verification string uses it. */
interface CapsForm {
  formType: string;
  fields: { name: string; values: string[] }[];
}

/** The parts of a disco#info answer that its verification string covers. */
export interface DiscoInfo {
  /** `category/type/lang/name` of each identity. */
  identities: string[];
  features: string[];
  forms: CapsForm[];
}

export function isVerifiableHash(hash: string): boolean {
  return Object.hasOwn(NODE_HASHES, hash);
}

/**
 * Reads a disco#info `<query/>` with the checks of XEP-0115 §5.4: duplicate identities, features
 * or form types make the whole answer ill-formed; a form without a hidden FORM_TYPE is ignored.
 * @throws CapsAnswerError
 */
export function readDiscoInfo(query: Element, maxFeatures: number): DiscoInfo {
  const identities = query.getChildren('identity', NS_DISCO_INFO).map(identityString);
  const features = query.getChildren('feature', NS_DISCO_INFO).map((feature) => {
    const name = feature.attrs.var;
    if (name === undefined || name === '' || name.length > MAX_FEATURE_LENGTH) {
      throw new CapsAnswerError('a feature without a valid var');
    }
    return name;
  });
  if (identities.length > MAX_IDENTITIES || features.length > maxFeatures) {
    throw new CapsAnswerError('too many identities or features');
  }
  requireUnique(identities, 'identity');
  requireUnique(features, 'feature');
  const forms = query
    .getChildElements()
    .filter((child) => child.name === 'x' && child.attrs.xmlns === NS_DATA)
    .map(readForm)
    .filter((form): form is CapsForm => form !== undefined);
  if (forms.length > MAX_FORMS) {
    throw new CapsAnswerError('too many forms');
  }
  requireUnique(
    forms.map((form) => form.formType),
    'FORM_TYPE',
  );
  const values = forms.flatMap((form) => form.fields.flatMap((field) => field.values));
  if (values.length > MAX_FORM_VALUES) {
    throw new CapsAnswerError('too many form values');
  }
  return { identities, features, forms };
}

/** The verification string S of XEP-0115 §5.1, UTF-8 encoded. */
export function verificationString(info: DiscoInfo): Buffer {
  const parts = [...sorted(info.identities), ...sorted(info.features)];
  const forms = [...info.forms].sort((a, b) => octetCompare(a.formType, b.formType));
  for (const form of forms) {
    parts.push(form.formType);
    const fields = [...form.fields].sort((a, b) => octetCompare(a.name, b.name));
    for (const field of fields) {
      parts.push(field.name, ...sorted(field.values));
    }
  }
  return Buffer.from(parts.map((part) => `${part}<`).join(''), 'utf8');
}

/** The `ver` of an answer with hash algorithm `hash` (XEP-0115 §5.1 step 9); undefined when unsupported. */
export function capsVer(info: DiscoInfo, hash: string): string | undefined {
  if (!isVerifiableHash(hash)) {
    return undefined;
  }
  return createHash(NODE_HASHES[hash]).update(verificationString(info)).digest('base64');
}

function identityString(identity: Element): string {
  const { category, type, name } = identity.attrs;
  if (!category || !type) {
    // XEP-0030 §3.1: both are required.
    throw new CapsAnswerError('an identity without category or type');
  }
  return `${category}/${type}/${identity.attrs['xml:lang'] ?? ''}/${name ?? ''}`;
}

// A form counts only with one hidden FORM_TYPE value (§5.4: otherwise it is ignored).
function readForm(form: Element): CapsForm | undefined {
  const fields = form.getChildren('field');
  const formTypes = fields.filter((field) => field.attrs.var === 'FORM_TYPE');
  if (formTypes.length > 1) {
    throw new CapsAnswerError('a form with more than one FORM_TYPE');
  }
  const formType = formTypes[0];
  if (formType === undefined || formType.attrs.type !== 'hidden') {
    return undefined;
  }
  const typeValues = new Set(formType.getChildren('value').map((value) => value.text()));
  if (typeValues.size > 1) {
    throw new CapsAnswerError('a FORM_TYPE with different values');
  }
  const [type] = typeValues;
  if (type === undefined) {
    return undefined;
  }
  return {
    formType: type,
    fields: fields
      .filter((field) => field !== formType)
      .map((field) => ({
        name: field.attrs.var ?? '',
        values: field.getChildren('value').map((value) => value.text()),
      })),
  };
}

function requireUnique(values: string[], what: string): void {
  if (new Set(values).size !== values.length) {
    throw new CapsAnswerError(`a duplicate ${what}`);
  }
}

function sorted(values: string[]): string[] {
  return [...values].sort(octetCompare);
}

// "i;octet" collation (RFC 4790 §9.3), as §5.1 requires: the UTF-8 bytes compared, which
// differs from comparing UTF-16 code units once characters outside the BMP take part.
function octetCompare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

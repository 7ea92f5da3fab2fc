import { Inject, Injectable, Logger } from '@nestjs/common';
import { pseudonym } from '@sotto/logging';
import { NS_CLIENT, xml, type Element, type Jid, parseStored, standalone } from '@sotto/xmpp';
import { PRIVATE_CONFIG, type PrivateConfig } from '../config/private.config';
import { PrivateStorageErrorCode, PrivateStorageException } from './private-storage.exception';
import { PrivateStorageRepository } from './private-storage.repository';

export const NS_PRIVATE = 'jabber:iq:private';

// Namespaces nothing may be stored under. XEP-0049 §2.3 lets a server refuse reserved
// namespaces with not-acceptable; we refuse those of stanzas and of this protocol itself, where
// storage makes no sense, and leave every other one (bookmarks and the like) to clients.
const RESERVED_NAMESPACES = new Set([NS_CLIENT, 'jabber:server', NS_PRIVATE]);
// The namespace is half of the primary key, whose index entries PostgreSQL caps at ~2.7 kB.
const MAX_NAMESPACE_LENGTH = 256;

// What the service needs from its repository, so unit tests can hand in a small fake.
export type PrivateStore = Pick<PrivateStorageRepository, 'find' | 'save'>;

/** XEP-0049: an account stores XML under namespaces; only the account itself reads or writes it. */
@Injectable()
export class PrivateStorageService {
  private readonly logger = new Logger('private');
  private readonly maxBytes: number;

  constructor(
    @Inject(PrivateStorageRepository) private readonly store: PrivateStore,
    @Inject(PRIVATE_CONFIG) config: Pick<PrivateConfig, 'PRIVATE_MAX_BYTES'>,
  ) {
    this.maxBytes = config.PRIVATE_MAX_BYTES;
  }

  /**
   * The `<query/>` answering a get: what is stored under the namespace of its one child, or that
   * child emptied when nothing is.
   */
  async get(requester: Jid, target: Jid | undefined, query: Element): Promise<Element> {
    const owner = ownerOf(requester, target, query);
    const elements = query.getChildElements();
    if (elements.length !== 1) {
      throw new PrivateStorageException(
        PrivateStorageErrorCode.BadRequest,
        'a get names exactly one element',
      );
    }
    const [requested] = elements as [Element];
    const namespace = namespaceOf(requested);
    const stored = await this.store.find(owner, namespace);
    if (stored === undefined) {
      return xml('query', { xmlns: NS_PRIVATE }, xml(requested.name, { xmlns: namespace }));
    }
    return parseStored(`<query xmlns='${NS_PRIVATE}'>${stored}</query>`);
  }

  /**
   * Stores the children of a set's `<query/>` under their namespace, replacing what was there.
   * XEP-0049 §2.3 allows several elements in one set if they share a namespace. `ancestors` are
   * the query's, innermost first: the namespace declarations they carry are kept with the data.
   */
  async set(
    requester: Jid,
    target: Jid | undefined,
    query: Element,
    ancestors: Element[],
  ): Promise<void> {
    const owner = ownerOf(requester, target, query);
    const elements = query.getChildElements();
    if (elements.length === 0) {
      throw new PrivateStorageException(
        PrivateStorageErrorCode.BadRequest,
        'a set holds at least one element',
      );
    }
    const namespace = namespaceOf(elements[0]);
    if (elements.some((element) => namespaceOf(element) !== namespace)) {
      throw new PrivateStorageException(
        PrivateStorageErrorCode.BadRequest,
        'the elements of one set share one namespace',
      );
    }
    const serialised = elements
      .map((element) => standalone(element, namespace, [query, ...ancestors]).toString())
      .join('');
    if (Buffer.byteLength(serialised, 'utf8') > this.maxBytes) {
      throw new PrivateStorageException(
        PrivateStorageErrorCode.TooLarge,
        `at most ${this.maxBytes} bytes may be stored under one namespace`,
      );
    }
    await this.store.save(owner, namespace, serialised);
    this.logger.debug(`stored private data of ${pseudonym(owner)}`);
  }
}

/** The account whose storage is meant: always the requester's own (XEP-0049 §2.3, §4). */
function ownerOf(requester: Jid, target: Jid | undefined, query: Element): string {
  // The handler is chosen by namespace alone; only `<query/>` belongs to XEP-0049.
  if (query.name !== 'query') {
    throw new PrivateStorageException(PrivateStorageErrorCode.BadRequest, 'expected a query');
  }
  const owner = requester.bare();
  if (target !== undefined && !target.bare().equals(owner)) {
    throw new PrivateStorageException(
      PrivateStorageErrorCode.Forbidden,
      'private storage belongs to its account alone',
    );
  }
  return owner.bareString();
}

// A child without its own xmlns is in the query's namespace, jabber:iq:private: reserved.
function namespaceOf(element: Element): string {
  const namespace = element.attrs.xmlns ?? NS_PRIVATE;
  if (namespace === '' || RESERVED_NAMESPACES.has(namespace)) {
    throw new PrivateStorageException(
      PrivateStorageErrorCode.ReservedNamespace,
      'this namespace cannot hold private data',
    );
  }
  if (namespace.length > MAX_NAMESPACE_LENGTH) {
    throw new PrivateStorageException(
      PrivateStorageErrorCode.ReservedNamespace,
      `a namespace has at most ${MAX_NAMESPACE_LENGTH} characters here`,
    );
  }
  return namespace;
}

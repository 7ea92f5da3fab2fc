/** A 'with' filter: a bare JID matches every resource, a full JID only itself (XEP-0313 §4.1.1). */
export interface WithFilter {
  bare: string;
  resource?: string;
}

/** The query form's filters (XEP-0313 §4.1.1); together they define the result set. */
export interface ArchiveFilter {
  with?: WithFilter;
  start?: Date;
  end?: Date;
  /** Only messages after this archive id (exclusive). */
  afterId?: string;
  /** Only messages before this archive id (exclusive). */
  beforeId?: string;
  /** Only these archive ids. */
  ids?: string[];
}

/**
 * One page of the result set (XEP-0059): forward from the start or after `cursor`, or backward
 * from the end or before `cursor`. Results are in archive order either way.
 */
export interface PageRequest {
  max: number;
  direction: 'forward' | 'backward';
  cursor?: string;
}

export interface ArchiveQuery {
  queryId?: string;
  filter: ArchiveFilter;
  page: PageRequest;
  /** XEP-0313 §4.3.4: send the page newest first. */
  flip: boolean;
}

/** Results per page when the client asks for no limit. */
export const DEFAULT_PAGE_SIZE = 50;
/** The most results one page carries, whatever the client asks (XEP-0313 §4.3.1). */
export const MAX_PAGE_SIZE = 100;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The archive id in canonical form, or undefined when it cannot be one of ours. */
export function archiveId(value: string): string | undefined {
  const id = value.trim().toLowerCase();
  return UUID.test(id) ? id : undefined;
}

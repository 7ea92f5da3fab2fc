import type { ArchiveFilter } from '../mam/archive-query';

/** Positional parameters of one statement: `add` returns the placeholder of a value. */
export class SqlParams {
  readonly values: unknown[] = [];

  add(value: unknown, cast = ''): string {
    this.values.push(value);
    return `$${this.values.length}${cast}`;
  }
}

/**
 * The WHERE conditions selecting an owner's messages that match `filter`. Every condition starts
 * from the owner, so the owner-led indexes bound the work to that one archive.
 */
export function filterConditions(
  owner: string,
  filter: ArchiveFilter,
  params: SqlParams,
): string[] {
  const conditions = [`owner_jid = ${params.add(owner)}`];
  if (filter.with !== undefined) {
    conditions.push(`with_jid = ${params.add(filter.with.bare)}`);
    if (filter.with.resource !== undefined) {
      conditions.push(`with_resource = ${params.add(filter.with.resource)}`);
    }
  }
  if (filter.start !== undefined) {
    conditions.push(`sent_at >= ${params.add(filter.start)}`);
  }
  if (filter.end !== undefined) {
    conditions.push(`sent_at <= ${params.add(filter.end)}`);
  }
  if (filter.afterId !== undefined) {
    conditions.push(`id > ${params.add(filter.afterId, '::uuid')}`);
  }
  if (filter.beforeId !== undefined) {
    conditions.push(`id < ${params.add(filter.beforeId, '::uuid')}`);
  }
  if (filter.ids !== undefined) {
    conditions.push(`id = ANY(${params.add(filter.ids, '::uuid[]')})`);
  }
  return conditions;
}

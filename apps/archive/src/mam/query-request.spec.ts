import { describe, it, expect } from 'vitest';
import { StanzaError, xml, type Element } from '@sotto/xmpp';
import { ArchiveErrorCode, ArchiveException, toStanzaError } from '../archive/archive.exception';
import { NS_DATA_FORMS, NS_MAM, NS_RSM } from '../archive/namespaces';
import { parseQuery } from './query-request';

const id1 = '018f0f6e-1c2a-7b3c-8d4e-5f6a7b8c9d0e';
const id2 = '018f0f6e-1c2a-7b3c-8d4e-5f6a7b8c9d0f';

function field(name: string, ...values: string[]): Element {
  return xml('field', { var: name }, ...values.map((value) => xml('value', {}, value)));
}

function query(...children: Element[]): Element {
  return xml('query', { xmlns: NS_MAM, queryid: 'q1' }, ...children);
}

function form(...fields: Element[]): Element {
  return xml('x', { xmlns: NS_DATA_FORMS, type: 'submit' }, field('FORM_TYPE', NS_MAM), ...fields);
}

function rsm(...children: Element[]): Element {
  return xml('set', { xmlns: NS_RSM }, ...children);
}

function failure(run: () => unknown): ArchiveErrorCode | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof ArchiveException) {
      return error.code;
    }
    throw error;
  }
  return undefined;
}

describe('parseQuery', () => {
  it('reads an empty query as the whole archive, first page, default size', () => {
    expect(parseQuery(query())).toEqual({
      queryId: 'q1',
      filter: {},
      page: { max: 50, direction: 'forward' },
      flip: false,
    });
  });

  it('reads every filter of the form', () => {
    const sut = parseQuery(
      query(
        form(
          field('with', 'Romeo@Example.org'),
          field('start', '2024-01-01T00:00:00Z'),
          field('end', '2024-02-01T00:00:00Z'),
          field('after-id', id1),
          field('before-id', id2.toUpperCase()),
          field('ids', id1, id2),
        ),
      ),
    );
    expect(sut.filter).toEqual({
      with: { bare: 'romeo@example.org' },
      start: new Date('2024-01-01T00:00:00Z'),
      end: new Date('2024-02-01T00:00:00Z'),
      afterId: id1,
      beforeId: id2,
      ids: [id1, id2],
    });
  });

  it('keeps the resource of a full JID in with', () => {
    const sut = parseQuery(query(form(field('with', 'romeo@example.org/orchard'))));
    expect(sut.filter.with).toEqual({ bare: 'romeo@example.org', resource: 'orchard' });
  });

  it('takes empty fields as absent, as some clients send every field', () => {
    const sut = parseQuery(query(form(field('with'), field('start', ''), field('ids'))));
    expect(sut.filter).toEqual({});
  });

  it('refuses an unknown field with feature-not-implemented (XEP-0313 §4.1.5)', () => {
    const code = failure(() => parseQuery(query(form(field('include-groupchat', 'true')))));
    expect(code).toBe(ArchiveErrorCode.Unsupported);
    expect(toStanzaError(new ArchiveException(code!))).toMatchObject({
      condition: 'feature-not-implemented',
    });
  });

  it.each<[string, Element, ArchiveErrorCode]>([
    [
      'another FORM_TYPE',
      xml('x', { xmlns: NS_DATA_FORMS }, field('FORM_TYPE', 'urn:x')),
      ArchiveErrorCode.BadRequest,
    ],
    ['a bad date', form(field('start', 'yesterday')), ArchiveErrorCode.BadRequest],
    ['a bad JID', form(field('with', 'a@b@c')), ArchiveErrorCode.BadRequest],
    ['two values for with', form(field('with', 'a@b', 'c@d')), ArchiveErrorCode.BadRequest],
    [
      'a field twice',
      form(field('with', 'a@b'), field('with', 'c@d')),
      ArchiveErrorCode.BadRequest,
    ],
    [
      'a form not submitted',
      xml('x', { xmlns: NS_DATA_FORMS, type: 'form' }),
      ArchiveErrorCode.BadRequest,
    ],
    ['an id that cannot be ours', form(field('after-id', 'abc')), ArchiveErrorCode.NotFound],
    ['ids that cannot be ours', form(field('ids', id1, '42')), ArchiveErrorCode.NotFound],
  ])('refuses %s', (_name, child, code) => {
    expect(failure(() => parseQuery(query(child)))).toBe(code);
  });

  describe('paging (XEP-0059)', () => {
    it('pages forward after an id, with the size asked for', () => {
      const sut = parseQuery(query(rsm(xml('max', {}, '10'), xml('after', {}, id1))));
      expect(sut.page).toEqual({ max: 10, direction: 'forward', cursor: id1 });
    });

    it('pages backward before an id, and from the end for an empty before', () => {
      expect(parseQuery(query(rsm(xml('before', {}, id2)))).page).toEqual({
        max: 50,
        direction: 'backward',
        cursor: id2,
      });
      expect(parseQuery(query(rsm(xml('max', {}, '3'), xml('before')))).page).toEqual({
        max: 3,
        direction: 'backward',
      });
    });

    it('lowers max to the cap and accepts 0 (count only)', () => {
      expect(parseQuery(query(rsm(xml('max', {}, '1000')))).page.max).toBe(100);
      expect(parseQuery(query(rsm(xml('max', {}, '0')))).page.max).toBe(0);
    });

    it('reads flip-page', () => {
      expect(parseQuery(query(xml('flip-page'))).flip).toBe(true);
    });

    it.each<[string, Element, ArchiveErrorCode]>([
      [
        'after and before',
        rsm(xml('after', {}, id1), xml('before', {}, id2)),
        ArchiveErrorCode.BadRequest,
      ],
      ['an empty after', rsm(xml('after')), ArchiveErrorCode.BadRequest],
      ['a negative max', rsm(xml('max', {}, '-1')), ArchiveErrorCode.BadRequest],
      ['an index', rsm(xml('index', {}, '3')), ArchiveErrorCode.Unsupported],
      ['an unknown after id', rsm(xml('after', {}, 'nope')), ArchiveErrorCode.NotFound],
    ])('refuses %s', (_name, set, code) => {
      expect(failure(() => parseQuery(query(set)))).toBe(code);
    });
  });

  it('refuses a node: user archives have none', () => {
    const node = xml('query', { xmlns: NS_MAM, node: 'urn:xmpp:microblog:0' });
    expect(failure(() => parseQuery(node))).toBe(ArchiveErrorCode.NotFound);
    expect(toStanzaError(new ArchiveException(ArchiveErrorCode.NotFound))).toBeInstanceOf(
      StanzaError,
    );
  });
});

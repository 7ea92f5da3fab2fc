import { describe, expect, it } from 'vitest';
import { RestrictedMarkupScanner } from './restricted-markup';

const N = undefined;

function scanAll(pieces: string[]): (number | undefined)[] {
  const scanner = new RestrictedMarkupScanner();
  return pieces.map((piece) => scanner.scan(piece));
}

describe('RestrictedMarkupScanner', () => {
  it('passes ordinary markup', () => {
    expect(scanAll(["<a x='>'>text &amp; more</a>", '<b/>'])).toEqual([N, N]);
  });

  it('allows the XML declaration only at the very start', () => {
    expect(scanAll(["<?xml version='1.0'?><a>"])).toEqual([N]);
    expect(scanAll(["\uFEFF<?xml version='1.0'?><a>"])).toEqual([N]);
    expect(scanAll([" <?xml version='1.0'?>"])).toEqual([1]);
    expect(scanAll(['<a>', "<?xml version='1.0'?>"])).toEqual([N, 0]);
    expect(scanAll(['<?x', "ml version='1.0'?><a>"])).toEqual([N, N]);
  });

  it('refuses a processing instruction even at the very start', () => {
    expect(scanAll(["<?xml-stylesheet href='x'?><a/>"])).toEqual([0]);
    expect(scanAll(['<?php ?><a/>'])).toEqual([0]);
    expect(scanAll(['<?xml', '-stylesheet?>'])).toEqual([N, -5]);
  });

  it('reports the index of comments, declarations and PIs', () => {
    expect(scanAll(['<a><!-- x -->'])).toEqual([3]);
    expect(scanAll(['<!DOCTYPE a>'])).toEqual([0]);
    expect(scanAll(['<a>x<?pi?>'])).toEqual([4]);
  });

  it('reports markup that started in an earlier piece with a negative index', () => {
    expect(scanAll(['<a><', '!--'])).toEqual([N, -1]);
    expect(scanAll(['<a><!', '-'])).toEqual([N, -2]);
    expect(scanAll(['<a><![CD', 'ATA[x]]>'])).toEqual([N, N]);
    expect(scanAll(['<a><![CD', 'ATX'])).toEqual([N, -5]);
  });

  it('ignores "<!" and "<?" inside CDATA, including an end split across pieces', () => {
    expect(scanAll(['<a><![CDATA[<!-- <?', ' ]', ']> <b/>'])).toEqual([N, N, N]);
    expect(scanAll(['<a><![CDATA[x]', ']', '><!--'])).toEqual([N, N, 1]);
  });
});

import { describe, it, expect } from 'vitest';
import { InboxErrorCode, InboxException, toStanzaError } from './inbox.exception';

describe('toStanzaError', () => {
  it.each([
    [InboxErrorCode.BadRequest, 'bad-request', 'modify'],
    [InboxErrorCode.Forbidden, 'forbidden', 'auth'],
    [InboxErrorCode.NotFound, 'item-not-found', 'cancel'],
    [InboxErrorCode.NotImplemented, 'feature-not-implemented', 'cancel'],
  ])('maps %s to %s (%s)', (code, condition, type) => {
    const sut = toStanzaError(new InboxException(code, 'why'));
    expect(sut).toMatchObject({ condition, type, text: 'why' });
  });
});

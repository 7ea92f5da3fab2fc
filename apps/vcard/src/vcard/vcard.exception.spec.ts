import { describe, it, expect } from 'vitest';
import { toStanzaError, VcardErrorCode, VcardException } from './vcard.exception';

describe('toStanzaError', () => {
  it.each([
    [VcardErrorCode.BadRequest, 'bad-request', 'modify'],
    [VcardErrorCode.Forbidden, 'forbidden', 'auth'],
    [VcardErrorCode.NotFound, 'service-unavailable', 'cancel'],
    [VcardErrorCode.TooLarge, 'not-acceptable', 'modify'],
  ])('maps %s to %s (%s)', (code, condition, type) => {
    const sut = toStanzaError(new VcardException(code, 'why'));
    expect(sut).toMatchObject({ condition, type, text: 'why' });
  });
});

import { describe, it, expect } from 'vitest';
import {
  PrivateStorageErrorCode,
  PrivateStorageException,
  toStanzaError,
} from './private-storage.exception';

describe('toStanzaError', () => {
  it.each([
    [PrivateStorageErrorCode.BadRequest, 'bad-request', 'modify'],
    [PrivateStorageErrorCode.Forbidden, 'forbidden', 'auth'],
    [PrivateStorageErrorCode.ReservedNamespace, 'not-acceptable', 'modify'],
    [PrivateStorageErrorCode.TooLarge, 'not-acceptable', 'modify'],
  ])('maps %s to %s (%s)', (code, condition, type) => {
    const sut = toStanzaError(new PrivateStorageException(code, 'why'));
    expect(sut).toMatchObject({ condition, type, text: 'why' });
  });
});

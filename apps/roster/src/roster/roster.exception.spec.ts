import { describe, expect, it } from 'vitest';
import { RosterErrorCode, RosterException, toRpcError, toStanzaError } from './roster.exception';

describe('roster errors', () => {
  it.each([
    [RosterErrorCode.Forbidden, 'forbidden', 'forbidden'],
    [RosterErrorCode.Malformed, 'bad-request', 'bad-request'],
    [RosterErrorCode.InvalidJid, 'jid-malformed', 'bad-request'],
    [RosterErrorCode.NotAcceptable, 'not-acceptable', 'bad-request'],
    [RosterErrorCode.OwnJid, 'not-allowed', 'forbidden'],
    [RosterErrorCode.RosterFull, 'not-allowed', 'forbidden'],
    [RosterErrorCode.ItemNotFound, 'item-not-found', 'not-found'],
  ])('maps %s to %s and %s', (code, condition, rpcCode) => {
    const error = new RosterException(code, 'why');
    expect(toStanzaError(error)).toMatchObject({ condition, text: 'why' });
    expect(toRpcError(error)).toMatchObject({ code: rpcCode, message: 'why' });
  });
});

import { describe, it, expect } from 'vitest';
import { PubsubErrorCode, PubsubException, toStanzaError } from './pubsub.exception';

const S = "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'";
const P = "xmlns='http://jabber.org/protocol/pubsub#errors'";

describe('toStanzaError', () => {
  it.each([
    [PubsubErrorCode.NodeNotFound, `<error type='cancel'><item-not-found ${S}/></error>`],
    [PubsubErrorCode.Forbidden, `<error type='auth'><forbidden ${S}/></error>`],
    [PubsubErrorCode.NodeExists, `<error type='cancel'><conflict ${S}/></error>`],
    [
      PubsubErrorCode.PresenceSubscriptionRequired,
      `<error type='auth'><not-authorized ${S}/><presence-subscription-required ${P}/></error>`,
    ],
    [
      PubsubErrorCode.NotInRosterGroup,
      `<error type='auth'><not-authorized ${S}/><not-in-roster-group ${P}/></error>`,
    ],
    [
      PubsubErrorCode.ClosedNode,
      `<error type='cancel'><not-allowed ${S}/><closed-node ${P}/></error>`,
    ],
    [
      PubsubErrorCode.NotSubscribed,
      `<error type='cancel'><unexpected-request ${S}/><not-subscribed ${P}/></error>`,
    ],
    [
      PubsubErrorCode.OptionsNotSubscribed,
      `<error type='modify'><unexpected-request ${S}/><not-subscribed ${P}/></error>`,
    ],
    [
      PubsubErrorCode.PreconditionNotMet,
      `<error type='cancel'><conflict ${S}/><precondition-not-met ${P}/></error>`,
    ],
    [
      PubsubErrorCode.PayloadTooBig,
      `<error type='modify'><not-acceptable ${S}/><payload-too-big ${P}/></error>`,
    ],
    [
      PubsubErrorCode.InvalidJid,
      `<error type='modify'><bad-request ${S}/><invalid-jid ${P}/></error>`,
    ],
    [
      PubsubErrorCode.NodeIdRequired,
      `<error type='modify'><bad-request ${S}/><nodeid-required ${P}/></error>`,
    ],
    [
      PubsubErrorCode.ItemRequired,
      `<error type='modify'><bad-request ${S}/><item-required ${P}/></error>`,
    ],
    [
      PubsubErrorCode.UnsupportedAccessModel,
      `<error type='modify'><not-acceptable ${S}/><unsupported-access-model ${P}/></error>`,
    ],
  ])('maps %s as XEP-0060 says', (code, expected) => {
    expect(toStanzaError(new PubsubException(code)).toElement().toString()).toBe(expected);
  });

  it('names the unsupported feature, and puts the text before the pubsub condition', () => {
    const error = toStanzaError(
      new PubsubException(
        PubsubErrorCode.Unsupported,
        'the node keeps no items',
        'persistent-items',
      ),
    );
    expect(error.toElement().toString()).toBe(
      `<error type='cancel'><feature-not-implemented ${S}/>` +
        `<text ${S} xml:lang='en'>the node keeps no items</text>` +
        `<unsupported ${P} feature='persistent-items'/></error>`,
    );
  });
});

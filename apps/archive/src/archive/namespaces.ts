/** XEP-0313 Message Archive Management (and XEP-0441 preferences, same namespace). */
export const NS_MAM = 'urn:xmpp:mam:2';
/** XEP-0313 §4.1.1: before-id, after-id, ids, flipped pages and metadata are served. */
export const NS_MAM_EXTENDED = 'urn:xmpp:mam:2#extended';
/** XEP-0059 Result Set Management. */
export const NS_RSM = 'http://jabber.org/protocol/rsm';
/** XEP-0004 Data Forms. */
export const NS_DATA_FORMS = 'jabber:x:data';
/** XEP-0122 Data Forms Validation. */
export const NS_DATA_VALIDATE = 'http://jabber.org/protocol/xdata-validate';
/** XEP-0297 Stanza Forwarding. */
export const NS_FORWARD = 'urn:xmpp:forward:0';
/** XEP-0334 Message Processing Hints. */
export const NS_HINTS = 'urn:xmpp:hints';

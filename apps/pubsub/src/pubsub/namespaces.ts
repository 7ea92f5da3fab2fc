/** XEP-0060 namespaces and the FORM_TYPEs of its data forms. */
export const NS_PUBSUB = 'http://jabber.org/protocol/pubsub';
export const NS_PUBSUB_OWNER = 'http://jabber.org/protocol/pubsub#owner';
export const NS_PUBSUB_EVENT = 'http://jabber.org/protocol/pubsub#event';
export const NS_PUBSUB_ERRORS = 'http://jabber.org/protocol/pubsub#errors';
export const NS_DATA_FORMS = 'jabber:x:data';

export const FORM_NODE_CONFIG = 'http://jabber.org/protocol/pubsub#node_config';
export const FORM_PUBLISH_OPTIONS = 'http://jabber.org/protocol/pubsub#publish-options';
export const FORM_SUBSCRIBE_OPTIONS = 'http://jabber.org/protocol/pubsub#subscribe_options';
export const FORM_META_DATA = 'http://jabber.org/protocol/pubsub#meta-data';

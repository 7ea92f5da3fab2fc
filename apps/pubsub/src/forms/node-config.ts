import { z } from 'zod';

export const ACCESS_MODELS = ['open', 'presence', 'roster', 'whitelist'] as const;
export const PUBLISH_MODELS = ['publishers', 'subscribers', 'open'] as const;
export const SEND_LAST_PUBLISHED_ITEM = ['never', 'on_sub', 'on_sub_and_presence'] as const;
export const NOTIFICATION_TYPES = ['normal', 'headline'] as const;

/** The node configuration (XEP-0060 §16.4.4, the options this service implements). */
export const NodeConfig = z.object({
  title: z.string().max(1024),
  deliverNotifications: z.boolean(),
  deliverPayloads: z.boolean(),
  notifyConfig: z.boolean(),
  notifyDelete: z.boolean(),
  notifyRetract: z.boolean(),
  persistItems: z.boolean(),
  /** Items kept; `max` is the service's limit. */
  maxItems: z.union([z.number().int().min(1), z.literal('max')]),
  accessModel: z.enum(ACCESS_MODELS),
  rosterGroupsAllowed: z.array(z.string().max(1024)).max(64),
  publishModel: z.enum(PUBLISH_MODELS),
  sendLastPublishedItem: z.enum(SEND_LAST_PUBLISHED_ITEM),
  notificationType: z.enum(NOTIFICATION_TYPES),
});
export type NodeConfig = z.infer<typeof NodeConfig>;
export type AccessModel = NodeConfig['accessModel'];

/** Defaults of a node of the shared service: open, persistent, notifications with payloads. */
export const SERVICE_NODE_DEFAULTS: NodeConfig = {
  title: '',
  deliverNotifications: true,
  deliverPayloads: true,
  notifyConfig: false,
  notifyDelete: true,
  notifyRetract: true,
  persistItems: true,
  maxItems: 20,
  accessModel: 'open',
  rosterGroupsAllowed: [],
  publishModel: 'publishers',
  sendLastPublishedItem: 'never',
  notificationType: 'headline',
};

/**
 * Defaults of a PEP node (XEP-0163 §8): presence access, the last item kept and sent on
 * subscription and on presence.
 */
export const PEP_NODE_DEFAULTS: NodeConfig = {
  ...SERVICE_NODE_DEFAULTS,
  maxItems: 1,
  accessModel: 'presence',
  sendLastPublishedItem: 'on_sub_and_presence',
};

/** How many items a node keeps, given the service's limit. */
export function effectiveMaxItems(config: NodeConfig, serviceMax: number): number {
  return config.maxItems === 'max' ? serviceMax : Math.min(config.maxItems, serviceMax);
}

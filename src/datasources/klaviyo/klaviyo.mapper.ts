/**
 * Klaviyo JSON:API resources (revision 2026-07-15, as contracts/klaviyo/stable.json
 * describes them) turned into our schema's shapes: plain data. Fields fetched later (a list's
 * profiles, a campaign's results) ask the data source the GraphQL context remembers for the model,
 * so those calls go to the same organization's account.
 */
import type { ProviderValues } from '../provider-values';

export interface Resource<A> {
  type: string;
  id: string;
  attributes: A;
}

export interface RawProfile {
  email?: string | null;
  phone_number?: string | null;
  external_id?: string | null;
  first_name?: string | null;
  last_name?: string | null;
  organization?: string | null;
  title?: string | null;
  locale?: string | null;
  created?: string | null;
  updated?: string | null;
  last_event_date?: string | null;
  location?: {
    city?: string | null;
    region?: string | null;
    country?: string | null;
    zip?: string | null;
    timezone?: string | null;
  } | null;
  properties?: Record<string, unknown> | null;
}

export interface RawList {
  name?: string | null;
  created?: string | null;
  updated?: string | null;
  opt_in_process?: string | null;
}

export interface RawSegment {
  name?: string | null;
  created?: string | null;
  updated?: string | null;
  is_active?: boolean;
  is_processing?: boolean;
  is_starred?: boolean;
}

export interface RawCampaign {
  name: string;
  status: string;
  archived: boolean;
  send_strategy?: { method?: string } | null;
  created_at?: string | null;
  scheduled_at?: string | null;
  updated_at?: string | null;
  send_time?: string | null;
}

export interface RawMetric {
  name?: string | null;
  created?: string | null;
  updated?: string | null;
  /** The document types it as any object: `name` is not promised. */
  integration?: { name?: unknown } | null;
}

// Timestamps go through `v.date`: the document declares some as plain strings (a metric's
// `created`), and one that does not parse must answer null, not fail the field.
export const mapProfile = (r: Resource<RawProfile>, v: ProviderValues) => ({
  id: r.id,
  email: r.attributes.email ?? null,
  phoneNumber: r.attributes.phone_number ?? null,
  externalId: r.attributes.external_id ?? null,
  firstName: r.attributes.first_name ?? null,
  lastName: r.attributes.last_name ?? null,
  organization: r.attributes.organization ?? null,
  title: r.attributes.title ?? null,
  locale: r.attributes.locale ?? null,
  city: r.attributes.location?.city ?? null,
  region: r.attributes.location?.region ?? null,
  country: r.attributes.location?.country ?? null,
  zip: r.attributes.location?.zip ?? null,
  timezone: r.attributes.location?.timezone ?? null,
  properties: r.attributes.properties ?? {},
  createdAt: v.date(r.attributes.created, 'profile.created'),
  updatedAt: v.date(r.attributes.updated, 'profile.updated'),
  lastEventAt: v.date(r.attributes.last_event_date, 'profile.last_event_date'),
});
export type KlaviyoProfileModel = ReturnType<typeof mapProfile>;

export const mapList = (r: Resource<RawList>, v: ProviderValues) => ({
  id: r.id,
  name: r.attributes.name ?? null,
  optInProcess: r.attributes.opt_in_process ?? null,
  createdAt: v.date(r.attributes.created, 'list.created'),
  updatedAt: v.date(r.attributes.updated, 'list.updated'),
});
export type KlaviyoListModel = ReturnType<typeof mapList>;

export const mapSegment = (r: Resource<RawSegment>, v: ProviderValues) => ({
  id: r.id,
  name: r.attributes.name ?? null,
  isActive: r.attributes.is_active ?? false,
  isProcessing: r.attributes.is_processing ?? false,
  isStarred: r.attributes.is_starred ?? false,
  createdAt: v.date(r.attributes.created, 'segment.created'),
  updatedAt: v.date(r.attributes.updated, 'segment.updated'),
});
export type KlaviyoSegmentModel = ReturnType<typeof mapSegment>;

export type KlaviyoChannelValue = 'EMAIL' | 'SMS' | 'MOBILE_PUSH';

export const mapCampaign = (
  r: Resource<RawCampaign>,
  channel: KlaviyoChannelValue | null,
  v: ProviderValues,
) => ({
  id: r.id,
  name: r.attributes.name,
  status: r.attributes.status,
  channel,
  archived: r.attributes.archived,
  sendStrategy: v.string(r.attributes.send_strategy?.method, 'campaign.send_strategy.method'),
  // `send_time` is when it went (or goes) out; before that Klaviyo only knows the scheduled time.
  sendTime: v.date(r.attributes.send_time, 'campaign.send_time'),
  scheduledAt: v.date(r.attributes.scheduled_at, 'campaign.scheduled_at'),
  createdAt: v.date(r.attributes.created_at, 'campaign.created_at'),
  updatedAt: v.date(r.attributes.updated_at, 'campaign.updated_at'),
});
export type KlaviyoCampaignModel = ReturnType<typeof mapCampaign>;

export const mapMetric = (r: Resource<RawMetric>, v: ProviderValues) => ({
  id: r.id,
  name: r.attributes.name ?? null,
  integrationName: v.string(r.attributes.integration?.name, 'metric.integration.name'),
  createdAt: v.date(r.attributes.created, 'metric.created'),
  updatedAt: v.date(r.attributes.updated, 'metric.updated'),
});
export type KlaviyoMetricModel = ReturnType<typeof mapMetric>;

export interface RawValuesRow {
  groupings: Record<string, unknown>;
  statistics: Record<string, unknown>;
}

export const mapResultRow = (row: RawValuesRow) => ({
  campaignMessageId:
    typeof row.groupings.campaign_message_id === 'string' ? row.groupings.campaign_message_id : null,
  sendChannel: typeof row.groupings.send_channel === 'string' ? row.groupings.send_channel : null,
  statistics: Object.entries(row.statistics)
    .filter((entry): entry is [string, number] => typeof entry[1] === 'number')
    .map(([name, value]) => ({ name: name.toUpperCase(), value })),
});
export type KlaviyoCampaignResultRowModel = ReturnType<typeof mapResultRow>;

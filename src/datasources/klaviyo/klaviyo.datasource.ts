import { GatewayError } from '../../errors/gateway-error';
import { freeJson, printable } from '../input-rules';
import { nullIfNotFound } from '../not-found';
import type { ProviderValues } from '../provider-values';
import type { KlaviyoClient } from './klaviyo.client';
import * as check from './klaviyo.input';
import * as M from './klaviyo.mapper';
import { cursorQuery, pageQuery, toConnection, type CollectionLinks, type PageArgs } from './klaviyo.paging';
import * as B from './klaviyo.requests';

interface Collection<A> {
  data: Array<M.Resource<A>>;
  links?: CollectionLinks;
}
interface Single<A> {
  data: M.Resource<A>;
}

/** Klaviyo's `page[size]` maxima (OpenAPI document, `page[size]` parameter of each operation). */
const MAX_LISTS = 10;
const MAX_SEGMENTS = 10;
const MAX_PROFILES = 100;
const MAX_CAMPAIGNS = 100;

/** Useful defaults per channel; opens do not exist for SMS. */
const DEFAULT_STATISTICS: Record<M.KlaviyoChannelValue | 'ANY', string[]> = {
  EMAIL: [
    'recipients',
    'delivered',
    'opens_unique',
    'open_rate',
    'clicks_unique',
    'click_rate',
    'conversions',
    'conversion_value',
    'unsubscribes',
    'bounced',
  ],
  SMS: [
    'recipients',
    'delivered',
    'clicks_unique',
    'click_rate',
    'conversions',
    'conversion_value',
    'unsubscribes',
    'failed',
  ],
  MOBILE_PUSH: ['recipients', 'delivered', 'opens_unique', 'open_rate', 'conversions', 'conversion_value'],
  ANY: [
    'recipients',
    'delivered',
    'clicks_unique',
    'click_rate',
    'conversions',
    'conversion_value',
    'unsubscribes',
  ],
};

export interface ProfileLookup {
  id?: string | null;
  email?: string | null;
  phoneNumber?: string | null;
  externalId?: string | null;
}

export interface CampaignResultsArgs {
  conversionMetricId: string;
  timeframe?: string | null;
  start?: string | Date | null;
  end?: string | Date | null;
  statistics?: readonly string[] | null;
}

/**
 * One organization's Klaviyo account for one GraphQL request. Reads and the unsubscribe and
 * profile-import writes use the admin key (after the client checks that key belongs to this
 * account); subscribing and recording events use the public `/client/` API with the company id only.
 */
export class KlaviyoDataSource {
  constructor(
    private readonly client: KlaviyoClient,
    /** Reads Klaviyo's loosely typed attributes; one per request, like this data source. */
    private readonly values: ProviderValues,
  ) {}

  async lists(args: PageArgs) {
    const body = await this.client.call<Collection<M.RawList>>('get_lists', {
      query: pageQuery(args, MAX_LISTS),
    });
    return toConnection(body.data, body.links, args.after, (r) => M.mapList(r, this.values));
  }

  async list(id: string) {
    const body = await nullIfNotFound(
      this.client.call<Single<M.RawList>>('get_list', { id: check.klaviyoId('list', id) }),
    );
    return body ? M.mapList(body.data, this.values) : null;
  }

  async listProfiles(listId: string, args: PageArgs) {
    const body = await this.client.call<Collection<M.RawProfile>>('get_profiles_for_list', {
      id: check.klaviyoId('list', listId),
      query: pageQuery(args, MAX_PROFILES),
    });
    return toConnection(body.data, body.links, args.after, (r) => M.mapProfile(r, this.values));
  }

  async segments(args: PageArgs) {
    const body = await this.client.call<Collection<M.RawSegment>>('get_segments', {
      query: pageQuery(args, MAX_SEGMENTS),
    });
    return toConnection(body.data, body.links, args.after, (r) => M.mapSegment(r, this.values));
  }

  async segment(id: string) {
    const body = await nullIfNotFound(
      this.client.call<Single<M.RawSegment>>('get_segment', { id: check.klaviyoId('segment', id) }),
    );
    return body ? M.mapSegment(body.data, this.values) : null;
  }

  async segmentProfiles(segmentId: string, args: PageArgs) {
    const body = await this.client.call<Collection<M.RawProfile>>('get_profiles_for_segment', {
      id: check.klaviyoId('segment', segmentId),
      query: pageQuery(args, MAX_PROFILES),
    });
    return toConnection(body.data, body.links, args.after, (r) => M.mapProfile(r, this.values));
  }

  /** One profile by Klaviyo id, or by exactly one of email, phone number or external id. */
  async profile(lookup: ProfileLookup) {
    const given = Object.entries(lookup).filter(([, v]) => v !== null && v !== undefined);
    if (given.length !== 1)
      throw new GatewayError('BAD_USER_INPUT', 'Give exactly one of id, email, phoneNumber or externalId.');
    if (lookup.id) {
      const body = await nullIfNotFound(
        this.client.call<Single<M.RawProfile>>('get_profile', { id: check.klaviyoId('profile', lookup.id) }),
      );
      return body ? M.mapProfile(body.data, this.values) : null;
    }
    const [field, value] = lookup.email
      ? ['email', check.email(lookup.email)]
      : lookup.phoneNumber
        ? ['phone_number', check.phoneNumber(lookup.phoneNumber)]
        : ['external_id', check.externalId(lookup.externalId!)];
    const body = await this.client.call<Collection<M.RawProfile>>('get_profiles', {
      query: { filter: `equals(${field},"${value}")`, 'page[size]': '1' },
    });
    const first = body.data[0];
    return first ? M.mapProfile(first, this.values) : null;
  }

  /** Klaviyo requires a channel filter on GET /api/campaigns (`messages.channel`). */
  async campaigns(channel: M.KlaviyoChannelValue, args: PageArgs) {
    const body = await this.client.call<Collection<M.RawCampaign>>('get_campaigns', {
      query: {
        filter: `equals(messages.channel,'${channel.toLowerCase()}')`,
        ...pageQuery(args, MAX_CAMPAIGNS),
      },
    });
    return toConnection(body.data, body.links, args.after, (r) => M.mapCampaign(r, channel, this.values));
  }

  async campaign(id: string) {
    const body = await nullIfNotFound(
      this.client.call<Single<M.RawCampaign>>('get_campaign', { id: check.klaviyoId('campaign', id) }),
    );
    return body ? M.mapCampaign(body.data, null, this.values) : null;
  }

  /**
   * A campaign's performance from the Reporting API (POST /api/campaign-values-reports). Klaviyo
   * needs a conversion metric (e.g. "Placed Order"; see `metrics`) and allows 2 calls a minute.
   * https://developers.klaviyo.com/en/reference/query_campaign_values
   */
  async campaignResults(
    campaignId: string,
    channel: M.KlaviyoChannelValue | null,
    args: CampaignResultsArgs,
  ) {
    const id = check.klaviyoId('campaign', campaignId);
    const metricId = check.klaviyoId('metric', args.conversionMetricId);
    const timeframe = timeframeOf(args);
    const statistics = args.statistics?.length
      ? args.statistics.map((s) => s.toLowerCase())
      : DEFAULT_STATISTICS[channel ?? 'ANY'];
    const body = await this.client.call<{ data: { attributes: { results: M.RawValuesRow[] } } }>(
      'query_campaign_values',
      {
        body: B.campaignValuesBody(id, metricId, timeframe, statistics),
      },
    );
    return {
      campaignId: id,
      conversionMetricId: metricId,
      rows: body.data.attributes.results.map(M.mapResultRow),
    };
  }

  async metrics(after: string | null | undefined) {
    const body = await this.client.call<Collection<M.RawMetric>>('get_metrics', {
      query: cursorQuery(after),
    });
    return toConnection(body.data, body.links, after, (r) => M.mapMetric(r, this.values));
  }

  async subscribe(input: {
    listId: string;
    email?: string | null;
    phoneNumber?: string | null;
    consent: readonly B.KlaviyoConsentValue[];
    customSource?: string | null;
  }) {
    const listId = check.klaviyoId('list', input.listId);
    const who = identity(input, input.consent);
    const customSource = check.optional(input.customSource, (v) => printable(v, 'customSource'));
    await this.client.call('create_client_subscription', {
      body: B.subscriptionBody(listId, who, input.consent, customSource),
    });
    return { accepted: true, listId };
  }

  async unsubscribe(input: {
    listId?: string | null;
    email?: string | null;
    phoneNumber?: string | null;
    channels: readonly B.KlaviyoConsentValue[];
  }) {
    const listId = check.optional(input.listId, (v) => check.klaviyoId('list', v));
    const who = identity(input, input.channels);
    await this.client.call('bulk_unsubscribe_profiles', {
      body: B.unsubscriptionBody(listId, who, input.channels),
    });
    return { accepted: true, listId: listId ?? null };
  }

  async trackEvent(input: {
    metricName: string;
    profile: ProfileLookup;
    properties?: Record<string, unknown> | null;
    value?: number | null;
    valueCurrency?: string | null;
    time?: string | Date | null;
    uniqueId?: string | null;
  }) {
    const metricName = printable(input.metricName, 'metricName').trim();
    if (metricName.length < 1 || metricName.length > 128)
      throw new GatewayError('BAD_USER_INPUT', 'metricName must be 1 to 128 characters.');
    if (input.value != null && !Number.isFinite(input.value))
      throw new GatewayError('BAD_USER_INPUT', 'value must be a number.');
    if (input.valueCurrency != null && !/^[A-Z]{3}$/.test(input.valueCurrency))
      throw new GatewayError('BAD_USER_INPUT', 'valueCurrency must be an ISO 4217 code such as USD.');
    const who = profileIdentity(input.profile);
    if (input.properties) freeJson(input.properties, 'properties');
    const event: B.EventInput = {
      metricName,
      properties: input.properties ?? {},
      value: input.value ?? undefined,
      valueCurrency: input.valueCurrency ?? undefined,
      time: input.time ? new Date(input.time).toISOString() : undefined,
      uniqueId: check.optional(input.uniqueId, check.externalId),
    };
    await this.client.call('create_client_event', { body: B.eventBody(event, who) });
    return { accepted: true };
  }

  async upsertProfile(input: ProfileLookup & B.ProfileFields) {
    for (const field of PROFILE_TEXT_FIELDS) {
      const value = input[field];
      if (value != null) printable(value, field);
    }
    if (input.properties) freeJson(input.properties, 'properties');
    const who = profileIdentity({
      email: input.email,
      phoneNumber: input.phoneNumber,
      externalId: input.externalId,
    });
    const body = await this.client.call<Single<M.RawProfile>>('create_or_update_profile', {
      body: B.profileImportBody(who, input),
    });
    return M.mapProfile(body.data, this.values);
  }

  /** testIntegration: GET /api/accounts, then the same account check every admin-key call makes. */
  async ping(): Promise<void> {
    await this.client.assertKeyMatchesAccount();
  }
}

/** The profile's single-line attributes: names and places, never a line break. */
const PROFILE_TEXT_FIELDS = [
  'firstName',
  'lastName',
  'organization',
  'title',
  'locale',
  'city',
  'region',
  'country',
  'zip',
  'timezone',
] as const satisfies ReadonlyArray<keyof B.ProfileFields>;

/** At least one of email / phone / external id, each validated. */
function profileIdentity(who: ProfileLookup): B.ProfileIdentity {
  const out = {
    email: check.optional(who.email, check.email),
    phoneNumber: check.optional(who.phoneNumber, check.phoneNumber),
    externalId: check.optional(who.externalId, check.externalId),
  };
  if (!out.email && !out.phoneNumber && !out.externalId) {
    throw new GatewayError('BAD_USER_INPUT', 'Identify the profile by email, phoneNumber or externalId.');
  }
  return out;
}

/** Subscriptions are per channel: email consent needs an email, SMS consent a phone number. */
function identity(
  who: { email?: string | null; phoneNumber?: string | null },
  consents: readonly B.KlaviyoConsentValue[],
): B.ProfileIdentity {
  if (consents.length === 0) throw new GatewayError('BAD_USER_INPUT', 'Name at least one channel.');
  const email = check.optional(who.email, check.email);
  const phoneNumber = check.optional(who.phoneNumber, check.phoneNumber);
  if (consents.includes('EMAIL_MARKETING') && !email)
    throw new GatewayError('BAD_USER_INPUT', 'EMAIL_MARKETING needs an email.');
  if (consents.some((c) => c.startsWith('SMS_')) && !phoneNumber)
    throw new GatewayError('BAD_USER_INPUT', 'SMS channels need a phoneNumber.');
  return { email, phoneNumber };
}

function timeframeOf(args: CampaignResultsArgs): B.KlaviyoTimeframeValue {
  if (args.start || args.end) {
    if (!args.start || !args.end)
      throw new GatewayError('BAD_USER_INPUT', 'Give both start and end, or a timeframe.');
    const start = new Date(args.start);
    const end = new Date(args.end);
    if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()) || start >= end) {
      throw new GatewayError('BAD_USER_INPUT', 'start must be a date-time before end.');
    }
    return { start: start.toISOString(), end: end.toISOString() };
  }
  return { key: (args.timeframe ?? 'LAST_30_DAYS').toLowerCase() };
}

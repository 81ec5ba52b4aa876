/**
 * JSON:API request bodies for Klaviyo's write and report operations, shaped as the OpenAPI document
 * (revision 2026-07-15) requires; tests validate every body the gateway sends against it.
 */
import { randomUUID } from 'node:crypto';

export type KlaviyoConsentValue = 'EMAIL_MARKETING' | 'SMS_MARKETING' | 'SMS_TRANSACTIONAL';

export interface ProfileIdentity {
  email?: string | undefined;
  phoneNumber?: string | undefined;
  externalId?: string | undefined;
}

/** `SubscriptionChannels` / `UnsubscriptionChannels`: one `{consent}` per channel and kind asked for. */
function channels(consents: readonly KlaviyoConsentValue[], consent: 'SUBSCRIBED' | 'UNSUBSCRIBED') {
  const out: {
    email?: { marketing: { consent: string } };
    sms?: { marketing?: { consent: string }; transactional?: { consent: string } };
  } = {};
  if (consents.includes('EMAIL_MARKETING')) out.email = { marketing: { consent } };
  if (consents.includes('SMS_MARKETING')) out.sms = { ...out.sms, marketing: { consent } };
  if (consents.includes('SMS_TRANSACTIONAL')) out.sms = { ...out.sms, transactional: { consent } };
  return out;
}

const identityAttributes = (who: ProfileIdentity) => ({
  ...(who.email ? { email: who.email } : {}),
  ...(who.phoneNumber ? { phone_number: who.phoneNumber } : {}),
  ...(who.externalId ? { external_id: who.externalId } : {}),
});

/** POST /client/subscriptions (`OnsiteSubscriptionCreateQuery`): Klaviyo applies the list's opt-in process. */
export const subscriptionBody = (
  listId: string,
  who: ProfileIdentity,
  consents: readonly KlaviyoConsentValue[],
  customSource?: string,
) => ({
  data: {
    type: 'subscription',
    attributes: {
      ...(customSource ? { custom_source: customSource } : {}),
      profile: {
        data: {
          type: 'profile',
          attributes: {
            ...identityAttributes({ email: who.email, phoneNumber: who.phoneNumber }),
            subscriptions: channels(consents, 'SUBSCRIBED'),
          },
        },
      },
    },
    relationships: { list: { data: { type: 'list', id: listId } } },
  },
});

/** POST /api/profile-subscription-bulk-delete-jobs (`SubscriptionDeleteJobCreateQuery`), one profile. */
export const unsubscriptionBody = (
  listId: string | undefined,
  who: ProfileIdentity,
  consents: readonly KlaviyoConsentValue[],
) => ({
  data: {
    type: 'profile-subscription-bulk-delete-job',
    attributes: {
      profiles: {
        data: [
          {
            type: 'profile',
            attributes: {
              ...identityAttributes({ email: who.email, phoneNumber: who.phoneNumber }),
              subscriptions: channels(consents, 'UNSUBSCRIBED'),
            },
          },
        ],
      },
    },
    ...(listId ? { relationships: { list: { data: { type: 'list', id: listId } } } } : {}),
  },
});

export interface EventInput {
  metricName: string;
  properties: Record<string, unknown>;
  value?: number | undefined;
  valueCurrency?: string | undefined;
  time?: string | undefined;
  uniqueId?: string | undefined;
}

/**
 * POST /client/events (`EventCreateQueryV2`). A `unique_id` is always sent (the caller's or a new
 * one): Klaviyo drops an event whose unique_id it has seen, which makes a retried call harmless.
 */
export const eventBody = (event: EventInput, who: ProfileIdentity) => ({
  data: {
    type: 'event',
    attributes: {
      properties: event.properties,
      ...(event.value !== undefined ? { value: event.value } : {}),
      ...(event.valueCurrency ? { value_currency: event.valueCurrency } : {}),
      ...(event.time ? { time: event.time } : {}),
      unique_id: event.uniqueId ?? randomUUID(),
      metric: { data: { type: 'metric', attributes: { name: event.metricName } } },
      profile: { data: { type: 'profile', attributes: identityAttributes(who) } },
    },
  },
});

export interface ProfileFields {
  firstName?: string | null;
  lastName?: string | null;
  organization?: string | null;
  title?: string | null;
  locale?: string | null;
  city?: string | null;
  region?: string | null;
  country?: string | null;
  zip?: string | null;
  timezone?: string | null;
  properties?: Record<string, unknown> | null;
}

const present = (entries: Array<[string, unknown]>) =>
  Object.fromEntries(entries.filter(([, v]) => v !== undefined && v !== null));

/** POST /api/profile-import (`ProfileUpsertQuery`): create or update by email, phone or external id. */
export const profileImportBody = (who: ProfileIdentity, fields: ProfileFields) => {
  const location = present([
    ['city', fields.city],
    ['region', fields.region],
    ['country', fields.country],
    ['zip', fields.zip],
    ['timezone', fields.timezone],
  ]);
  return {
    data: {
      type: 'profile',
      attributes: {
        ...identityAttributes(who),
        ...present([
          ['first_name', fields.firstName],
          ['last_name', fields.lastName],
          ['organization', fields.organization],
          ['title', fields.title],
          ['locale', fields.locale],
          ['properties', fields.properties],
        ]),
        ...(Object.keys(location).length > 0 ? { location } : {}),
      },
    },
  };
};

export type KlaviyoTimeframeValue = { key: string } | { start: string; end: string };

/** POST /api/campaign-values-reports (`CampaignValuesRequestDTO`), one campaign, per message and channel. */
export const campaignValuesBody = (
  campaignId: string,
  conversionMetricId: string,
  timeframe: KlaviyoTimeframeValue,
  statistics: readonly string[],
) => ({
  data: {
    type: 'campaign-values-report',
    attributes: {
      statistics,
      timeframe,
      conversion_metric_id: conversionMetricId,
      group_by: ['campaign_id', 'campaign_message_id', 'send_channel'],
      filter: `equals(campaign_id,"${campaignId}")`,
    },
  },
});

/**
 * Deterministic data for the Klaviyo simulator, shaped as Klaviyo's JSON:API resources (revision
 * 2026-07-15). The simulator validates every answer it builds from these against the OpenAPI
 * document, so a fixture that drifts from Klaviyo's shapes fails the tests.
 */
export interface ProfileRecord {
  id: string;
  email: string | null;
  phone_number: string | null;
  external_id: string | null;
  first_name: string | null;
  last_name: string | null;
  properties: Record<string, unknown>;
  created: string;
  updated: string;
}

export interface KlaviyoData {
  profiles: ProfileRecord[];
  lists: Array<{
    id: string;
    name: string;
    opt_in_process: 'single_opt_in' | 'double_opt_in';
    members: string[];
  }>;
  segments: Array<{ id: string; name: string; members: string[] }>;
  campaigns: Array<{
    id: string;
    name: string;
    channel: 'email' | 'sms';
    status: string;
    send_time: string | null;
  }>;
  /** `created`/`updated` replace the simulator's timestamps: the document types them as any string. */
  metrics: Array<{
    id: string;
    name: string;
    integration: string;
    created?: string | null;
    updated?: string | null;
  }>;
}

const T0 = Date.parse('2026-01-05T10:00:00.000Z');
export const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

/** ULID-shaped ids, as Klaviyo uses for profiles and campaigns. */
export const profileId = (n: number) => `01JPRF${String(n).padStart(20, '0')}`;
export const campaignId = (n: number) => `01JCMP${String(n).padStart(20, '0')}`;

export function createKlaviyoData(): KlaviyoData {
  const profiles: ProfileRecord[] = Array.from({ length: 25 }, (_, i) => ({
    id: profileId(i + 1),
    email: `person${i + 1}@example.com`,
    phone_number: `+1500555${String(1000 + i)}`,
    external_id: `ext-${i + 1}`,
    first_name: `Person${i + 1}`,
    last_name: 'Example',
    properties: { tier: i % 2 === 0 ? 'gold' : 'silver' },
    created: at(i),
    updated: at(i + 100),
  }));
  const lists = Array.from({ length: 12 }, (_, i) => ({
    id: `LST${String(i + 1).padStart(3, '0')}`,
    name: i === 0 ? 'Newsletter' : `List ${i + 1}`,
    opt_in_process: (i % 2 === 0 ? 'single_opt_in' : 'double_opt_in') as 'single_opt_in' | 'double_opt_in',
    members: i === 0 ? profiles.map((p) => p.id) : profiles.slice(0, 2).map((p) => p.id),
  }));
  return {
    profiles,
    lists,
    segments: [
      { id: 'SEG001', name: 'VIP', members: profiles.filter((_, i) => i % 2 === 0).map((p) => p.id) },
      { id: 'SEG002', name: 'Lapsed', members: profiles.slice(20).map((p) => p.id) },
      { id: 'SEG003', name: 'Empty', members: [] },
    ],
    campaigns: [
      { id: campaignId(1), name: 'Spring sale', channel: 'email', status: 'Sent', send_time: at(500) },
      { id: campaignId(2), name: 'Summer teaser', channel: 'email', status: 'Scheduled', send_time: null },
      { id: campaignId(3), name: 'Draft idea', channel: 'email', status: 'Draft', send_time: null },
      { id: campaignId(4), name: 'Flash SMS', channel: 'sms', status: 'Sent', send_time: at(700) },
      { id: campaignId(5), name: 'SMS reminder', channel: 'sms', status: 'Draft', send_time: null },
    ],
    metrics: [
      { id: 'MTR001', name: 'Placed Order', integration: 'Shopify' },
      { id: 'MTR002', name: 'Started Checkout', integration: 'API' },
      { id: 'MTR003', name: 'Opened Email', integration: 'Klaviyo' },
    ],
  };
}

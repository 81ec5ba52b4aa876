import { Client } from 'pg';
import type { Logger } from '../observability/logger';
import type { RowsCache } from './rows-cache';

const CHANNEL = 'switchboard_integration_changes';

/**
 * Listens for the notifications the `integrations_notify_change` trigger sends, and drops the changed
 * organization's cached rows. While the connection is down the cache is not trusted (every read goes
 * to the database) and the listener reconnects with backoff.
 */
export class IntegrationChangeListener {
  private client: Client | undefined;
  private stopped = false;
  private retryMs = 500;
  private timer: NodeJS.Timeout | undefined;
  /** Clients already given up on ('error' and 'end' both fire for one failure). */
  private readonly dead = new WeakSet<Client>();

  constructor(
    private readonly databaseUrl: string,
    private readonly cache: RowsCache<unknown>,
    private readonly logger: Logger,
  ) {}

  /** Whether notifications are being heard right now. */
  get listening(): boolean {
    return this.client !== undefined;
  }

  async start(): Promise<void> {
    this.cache.setTrusted(false);
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new Client({ connectionString: this.databaseUrl });
    client.on('notification', (message) => {
      if (message.channel === CHANNEL && message.payload) this.cache.invalidate(message.payload);
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      this.client = client;
      this.retryMs = 500;
      this.cache.setTrusted(true);
    } catch (error) {
      this.lost(client, error as Error);
    }
  }

  private lost(client: Client, error?: Error) {
    if (this.dead.has(client)) return;
    this.dead.add(client);
    this.client = undefined;
    this.cache.setTrusted(false);
    if (this.stopped) return;
    this.logger.warn(
      { err: error?.message },
      'integration change feed lost; reading integrations from the database',
    );
    client.removeAllListeners();
    client.end().catch(() => undefined);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.connect(), this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, 30_000);
  }
}

import { createHash } from 'node:crypto';
import type { Db } from '../db/database';
import type { MeterKey, UsageMeter } from './usage-meters';

export interface UsageReportRow {
  id: string;
  organization_id: string;
  meter: MeterKey;
  event_name: string;
  identifier: string;
  quantity: number;
  row_count: number;
  state: 'pending' | 'sent';
  attempts: number;
  last_error: string | null;
  created_at: Date;
  sent_at: Date | null;
}

export interface MeterUsage {
  meter: MeterKey;
  /** Units recorded since the moment asked for. */
  quantity: number;
  /** Of those, the units Stripe accepted. */
  reported: number;
}

/**
 * `usage_reports` and `usage_report_rows` (migrations/20261215_012): which usage rows went into which
 * meter event. A usage row is unreported while no `usage_report_rows` row names it.
 */
export class UsageReportsRepo {
  constructor(private readonly db: Db) {}

  /**
   * Claims up to `limit` unreported rows of the meter into a new pending report, in one transaction:
   * the report exists exactly when its rows are claimed. The identifier is a hash of the meter and
   * the claimed row ids, so the same usage always makes the same identifier. Undefined when there
   * is nothing to report. A concurrent claim of the same rows fails on the rows' primary key (and
   * its job retries): a row is never in two reports.
   */
  async claim(organizationId: string, meter: UsageMeter, limit: number): Promise<UsageReportRow | undefined> {
    return this.db.transaction(async (trx) => {
      const result = await trx.raw<{ rows: Array<{ id: string; quantity: string | number }> }>(
        `SELECT u.id, ${meter.quantitySql} AS quantity FROM ${meter.source} u
          WHERE u.organization_id = ? AND ${meter.whereSql}
            AND NOT EXISTS (SELECT 1 FROM usage_report_rows r WHERE r.source = ? AND r.row_id = u.id)
          ORDER BY u.created_at, u.id
          LIMIT ?`,
        [organizationId, meter.source, limit],
      );
      const rows = result.rows;
      if (rows.length === 0) return undefined;
      const ids = rows.map((r) => String(r.id)).sort();
      const identifier = `usage_${createHash('sha256')
        .update(`${meter.key}\n${ids.join('\n')}`)
        .digest('hex')}`;
      const [report] = (await trx('usage_reports')
        .insert({
          organization_id: organizationId,
          meter: meter.key,
          event_name: meter.eventName,
          identifier,
          quantity: rows.reduce((n, r) => n + Number(r.quantity), 0),
          row_count: rows.length,
        })
        .returning('*')) as UsageReportRow[];
      await trx('usage_report_rows').insert(
        ids.map((id) => ({ source: meter.source, row_id: id, report_id: report!.id })),
      );
      return normalize(report!);
    });
  }

  /** Reports claimed but not yet accepted by Stripe (a failed send, or a crash before the answer). */
  async pending(organizationId: string): Promise<UsageReportRow[]> {
    const rows = (await this.db('usage_reports')
      .where({ organization_id: organizationId, state: 'pending' })
      .orderBy([{ column: 'created_at' }, { column: 'id' }])) as UsageReportRow[];
    return rows.map(normalize);
  }

  async markSent(id: string): Promise<void> {
    await this.db('usage_reports')
      .where({ id, state: 'pending' })
      .update({
        state: 'sent',
        sent_at: this.db.fn.now(),
        last_error: null,
        attempts: this.db.raw('attempts + 1'),
      });
  }

  async markFailed(id: string, error: string): Promise<void> {
    await this.db('usage_reports')
      .where({ id, state: 'pending' })
      .update({ last_error: error.slice(0, 500), attempts: this.db.raw('attempts + 1') });
  }

  /** Organizations with a Stripe customer and something to send: unreported rows or pending reports. */
  async organizationsToReport(meters: readonly UsageMeter[]): Promise<string[]> {
    const unreported = meters.map(
      (
        m,
      ) => `EXISTS (SELECT 1 FROM ${m.source} u WHERE u.organization_id = b.organization_id AND ${m.whereSql}
        AND NOT EXISTS (SELECT 1 FROM usage_report_rows r WHERE r.source = '${m.source}' AND r.row_id = u.id))`,
    );
    const result = await this.db.raw<{ rows: Array<{ organization_id: string }> }>(
      `SELECT b.organization_id FROM billing_accounts b
        WHERE b.stripe_customer_id IS NOT NULL AND (
          EXISTS (SELECT 1 FROM usage_reports p WHERE p.organization_id = b.organization_id AND p.state = 'pending')
          OR ${unreported.join(' OR ')})`,
    );
    return result.rows.map((r) => r.organization_id);
  }

  /** Per meter: units recorded since `since`, and how many of them Stripe has accepted. */
  async usageSince(
    organizationId: string,
    meters: readonly UsageMeter[],
    since: Date,
  ): Promise<MeterUsage[]> {
    const out: MeterUsage[] = [];
    for (const meter of meters) {
      const result = await this.db.raw<{
        rows: Array<{ quantity: string | number; reported: string | number }>;
      }>(
        `SELECT COALESCE(SUM(${meter.quantitySql}), 0) AS quantity,
                COALESCE(SUM(CASE WHEN p.state = 'sent' THEN ${meter.quantitySql} ELSE 0 END), 0) AS reported
           FROM ${meter.source} u
           LEFT JOIN usage_report_rows r ON r.source = ? AND r.row_id = u.id
           LEFT JOIN usage_reports p ON p.id = r.report_id
          WHERE u.organization_id = ? AND u.created_at >= ? AND ${meter.whereSql}`,
        [meter.source, organizationId, since],
      );
      const row = result.rows[0];
      out.push({
        meter: meter.key,
        quantity: Number(row?.quantity ?? 0),
        reported: Number(row?.reported ?? 0),
      });
    }
    return out;
  }
}

/** BIGINT is a string on pg and a number on PGlite: one type for callers. */
function normalize(row: UsageReportRow): UsageReportRow {
  return { ...row, quantity: Number(row.quantity) };
}

/**
 * Reads provider values that a contract types more loosely than our schema (a timestamp declared as
 * a plain string, a 64-bit count sent as a string, an attribute that may be missing or of another
 * type). A value that does not fit becomes null (or the field's empty default) and is logged as a
 * warning, so one odd record never fails a field or a whole answer. A data source holds one of these
 * per request: each field is reported once per request, however many records carry the odd value.
 */
import type { Logger } from '../observability/logger';

/** ISO-8601 as providers send it: a date, or a date-time with optional seconds, fraction and zone. */
const ISO_8601 =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
/** Enough of an odd value to recognise it in a log, never a whole provider body. */
const SAMPLE_CHARS = 40;

const absent = (value: unknown): value is null | undefined | '' =>
  value === null || value === undefined || value === '';

export class ProviderValues {
  private readonly reported = new Set<string>();

  constructor(
    /** A provider id; a plain string so that data sources need not know the registry. */
    readonly provider: string,
    private readonly logger: Logger,
  ) {}

  /** A timestamp, or null when absent or not ISO-8601. Without a zone it is read as UTC. */
  date(value: unknown, field: string): Date | null {
    if (absent(value)) return null;
    let date: Date | undefined;
    if (value instanceof Date) date = value;
    else if (typeof value === 'string') {
      const text = value.trim();
      const match = ISO_8601.exec(text);
      if (match) {
        const zone = match[1];
        const local = zone ? text.slice(0, -zone.length) : text;
        // Without a zone a date-time would be read in the gateway's own zone: providers mean UTC.
        // `+01` and `+0100` are ISO-8601 too, but Date only reads `+01:00`.
        const offset =
          !zone || /^z$/i.test(zone) ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(3).replace(':', '') || '00'}`;
        date = new Date(local.length > 10 ? `${local.replace(' ', 'T')}${offset}` : local);
      }
    }
    if (date && !Number.isNaN(date.getTime())) return date;
    return this.reject(field, value, 'an ISO-8601 date-time');
  }

  /** Text; numbers and booleans become their text, anything else is null. */
  string(value: unknown, field: string): string | null {
    if (value === null || value === undefined) return null;
    if (typeof value === 'string') return value;
    if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean')
      return String(value);
    return this.reject(field, value, 'a string');
  }

  /** A GraphQL Int (32-bit): whole numbers, also as base-10 text; null when absent or out of range. */
  int(value: unknown, field: string): number | null {
    if (absent(value)) return null;
    const number =
      typeof value === 'number'
        ? value
        : typeof value === 'string' && /^-?\d+$/.test(value.trim())
          ? Number(value)
          : NaN;
    if (Number.isInteger(number) && number >= INT32_MIN && number <= INT32_MAX) return number;
    return this.reject(field, value, 'a 32-bit integer');
  }

  /** A list of texts; a missing list is empty, entries that are not text are left out. */
  strings(value: unknown, field: string): string[] {
    if (value === null || value === undefined) return [];
    if (!Array.isArray(value)) return this.reject(field, value, 'a list') ?? [];
    const out: string[] = [];
    let odd: unknown;
    for (const entry of value) {
      if (typeof entry === 'string') out.push(entry);
      else if (typeof entry === 'number' && Number.isFinite(entry)) out.push(String(entry));
      else odd ??= entry === undefined ? null : entry;
    }
    if (odd !== undefined) this.reject(field, odd, 'a list of strings');
    return out;
  }

  /** An object (a resource's attributes, say); a missing or non-object value reads as empty. */
  object<T extends object>(value: unknown, field: string): Partial<T> {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Partial<T>;
    this.reject(field, value, 'an object');
    return {};
  }

  /** A list of objects (possibly null or with non-object entries): the entries that are objects. */
  objects<T extends object>(value: unknown, field: string): Array<Partial<T>> {
    if (value === null || value === undefined) return [];
    if (!Array.isArray(value)) return this.reject(field, value, 'a list') ?? [];
    const objects = value.filter(
      (e): e is Partial<T> => e !== null && typeof e === 'object' && !Array.isArray(e),
    );
    if (objects.length !== value.length) this.reject(field, value, 'a list of objects');
    return objects;
  }

  /** One of `allowed`, else `fallback` (an explicit UNKNOWN or null) with a warning. */
  oneOf<T extends string, F extends string | null>(
    value: unknown,
    allowed: readonly T[],
    field: string,
    fallback: F,
  ): T | F {
    if (value === null || value === undefined) return fallback;
    if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
    this.reject(field, value, `one of ${allowed.join(', ')}`);
    return fallback;
  }

  private reject(field: string, value: unknown, expected: string): null {
    if (!this.reported.has(field)) {
      this.reported.add(field);
      this.logger.warn(
        {
          provider: this.provider,
          field,
          expected,
          valueType: value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value,
          sample: typeof value === 'string' ? value.slice(0, SAMPLE_CHARS) : undefined,
        },
        `${this.provider} sent a ${field} that is not ${expected}; answering null`,
      );
    }
    return null;
  }
}

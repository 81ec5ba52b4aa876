/**
 * The adversarial suite's shape: each file under cases/ defines one category, its shared set-up and
 * its cases as data; adversarial.test.ts registers them and prints the catalogue as a table.
 */

export interface AdversarialCase<C> {
  name: string;
  /** What a user sees, in short: the code or HTTP status the case asserts. */
  expected: string;
  run(ctx: C): Promise<void>;
  /**
   * A documented defect the gateway has today: the case still runs, a failure is recorded as a known
   * gap (the table shows it) and a pass fails the suite, so the mark is removed once it is fixed.
   */
  knownGap?: string;
  /** Why the case cannot run here (e.g. no TEST_REDIS_URL), or undefined to run it. */
  skip?: () => string | undefined;
}

export interface CaseCategory<C> {
  category: string;
  /** One gateway and its simulators for the whole category (fast: set-up dominates). */
  setup(): Promise<C>;
  teardown(ctx: C): Promise<void>;
  cases: Array<AdversarialCase<C>>;
}

export const defineCategory = <C>(category: CaseCategory<C>): CaseCategory<unknown> =>
  category as unknown as CaseCategory<unknown>;

export type CaseResult = 'pass' | 'FAIL' | 'known gap' | 'skipped';

export interface CaseRecord {
  category: string;
  name: string;
  expected: string;
  result: CaseResult;
  note?: string;
}

/** The catalogue as a Markdown table, with its count. */
export function renderTable(records: CaseRecord[]): string {
  const cell = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', ' ');
  const lines = [
    '| # | category | case | expected | result |',
    '| - | -------- | ---- | -------- | ------ |',
    ...records.map(
      (r, i) =>
        `| ${i + 1} | ${cell(r.category)} | ${cell(r.name)} | ${cell(r.expected)} | ${cell(
          r.note ? `${r.result}: ${r.note}` : r.result,
        )} |`,
    ),
  ];
  const count = (result: CaseResult) => records.filter((r) => r.result === result).length;
  lines.push(
    '',
    `${records.length} cases: ${count('pass')} passed, ${count('FAIL')} failed, ${count('known gap')} known gaps, ${count('skipped')} skipped`,
  );
  return lines.join('\n');
}

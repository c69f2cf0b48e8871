// The figures of a run: tables per scenario, the targets and whether each is met, problems
// (a smoke run fails on them), printed as they come and written to bench/RESULTS.md.
import type { LoadResult } from './load.ts';
import { minstr } from './perf.ts';
import { int, ms, ratio } from './stats.ts';

export interface Table {
  title: string;
  head: string[];
  rows: string[][];
}

export interface ScenarioReport {
  id: string;
  title: string;
  what: string[];
  tables: Table[];
  notes: string[];
}

export interface Target {
  goal: string;
  measured: string;
  /** null: not measured in this run. */
  met: boolean | null;
}

export class Report {
  readonly scenarios: ScenarioReport[] = [];
  readonly targets: Target[] = [];
  /** Something is broken: errors, non-2xx answers, GraphQL errors, missing deliveries. */
  readonly problems: string[] = [];
  readonly warnings: string[] = [];
  /** Raw figures (for --json). */
  readonly raw: Record<string, unknown> = {};

  /** `smoke`: targets are not judged (a smoke run's figures mean nothing). */
  constructor(private readonly smoke = false) {}

  scenario(id: string, title: string, what: string[]): ScenarioReport {
    const s: ScenarioReport = { id, title, what, tables: [], notes: [] };
    this.scenarios.push(s);
    console.log(`\n## ${title}`);
    return s;
  }

  table(s: ScenarioReport, table: Table): void {
    s.tables.push(table);
    console.log(renderText(table));
  }

  note(s: ScenarioReport, text: string): void {
    s.notes.push(text);
    console.log(`  note: ${text}`);
  }

  target(goal: string, measured: string, met: boolean | null): void {
    if (this.smoke) return;
    this.targets.push({ goal, measured, met });
    console.log(`  target ${met === null ? '(not measured)' : met ? 'MET' : 'MISSED'}: ${goal}: ${measured}`);
  }

  /** Records a problem when a run had errors, non-2xx answers or bodies that failed verification. */
  check(label: string, r: LoadResult): void {
    const bad = [
      r.errors ? `${r.errors} connection errors/timeouts` : '',
      r.non2xx ? `${r.non2xx} non-2xx answers` : '',
      r.mismatches ? `${r.mismatches} answers with GraphQL errors or the wrong body` : '',
      r.ok === 0 ? 'no successful request' : '',
    ].filter(Boolean);
    if (bad.length) this.problem(`${label}: ${bad.join(', ')}`);
  }

  problem(text: string): void {
    this.problems.push(text);
    console.log(`  PROBLEM: ${text}`);
  }

  warn(text: string): void {
    this.warnings.push(text);
    console.log(`  warning: ${text}`);
  }
}

export interface LoadRow {
  label: string;
  result: LoadResult;
  /** The run this one is compared with (its floor); none for the floor itself. */
  baseline?: LoadResult;
  /** Provider calls per operation, as counted by the simulators. */
  calls?: string;
}

export const LOAD_HEAD = [
  'variant',
  'conns',
  'req/s',
  'p50 ms',
  'p99 ms',
  'req/s ÷ floor',
  'p50 ÷ floor',
  'p99 ÷ floor',
  'provider calls/op',
  'CPU % gw · sims · loadgen',
  'Minstr/op',
];

/**
 * Millions of instructions per completed request: the gateway instance(s)' on a gateway run, the
 * simulators' process on a floor run (which watches no gateway).
 */
export function instructionsPerOp(r: LoadResult): string {
  return minstr(r.instructions.gateway ?? r.instructions.sims, r.ok + r.non2xx);
}

export function loadRows(rows: LoadRow[]): string[][] {
  return rows.map(({ label, result: r, baseline: b, calls }) => [
    label,
    String(r.connections),
    int(r.rps),
    ms(r.latency.p50),
    ms(r.latency.p99),
    b ? ratio(r.rps, b.rps) : 'floor',
    b ? ratio(r.latency.p50, b.latency.p50) : '',
    b ? ratio(r.latency.p99, b.latency.p99) : '',
    calls ?? '',
    [r.cpu.gateway, r.cpu.sims, r.cpu.bench].map((c) => (c === undefined ? '–' : int(c))).join(' · '),
    instructionsPerOp(r),
  ]);
}

export function renderText(table: Table): string {
  const all = [table.head, ...table.rows];
  const widths = table.head.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (c ?? '').padEnd(widths[i]!)).join('  ');
  return [`  ${table.title}`, ...all.map((r) => `    ${line(r)}`)].join('\n');
}

export function renderMarkdown(table: Table): string {
  const esc = (c: string) => c.replace(/\|/g, '\\|');
  return [
    `**${table.title}**`,
    '',
    `| ${table.head.map(esc).join(' | ')} |`,
    `| ${table.head.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
    ...table.rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

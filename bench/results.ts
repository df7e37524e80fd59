// What `npm run bench` writes to .data/bench/results.json: the run's header, each section's figures (null
// when not run), when each section ran, and the sections that failed. `--merge` overlays the sections of
// this run on the previous file, so one section can be re-run (or added) without re-running the rest.
import type { AssistantResults } from './assistant.ts';
import type { CampaignsResults } from './campaigns.ts';
import { benchmarkNames, type BenchmarkName } from './config.ts';
import type { ContactsResults } from './contacts.ts';
import type { InboxResults } from './inbox.ts';
import type { OverloadResults } from './overload.ts';
import type { PipelineRun } from './pipeline.ts';
import type { machineInfo } from './report.ts';
import type { WebhookResults } from './webhook.ts';

/** When one section ran, and by which command (a merged section's differs from the run header's). */
export interface SectionRun {
  startedAt: string;
  finishedAt: string;
  seconds: number;
  command: string;
  scale: number;
}

/** A section that threw: the others still ran; its figures are null and the report shows it missed. */
export interface BenchFailure {
  section: BenchmarkName;
  error: string;
  at: string;
}

export interface BenchResults {
  startedAt: string;
  finishedAt: string;
  totalSeconds: number;
  command: string;
  scale: number;
  machine: Awaited<ReturnType<typeof machineInfo>>;
  webhook: WebhookResults | null;
  overload: OverloadResults | null;
  pipeline: PipelineRun[] | null;
  inbox: InboxResults | null;
  contacts: ContactsResults | null;
  campaigns: CampaignsResults | null;
  assistant: AssistantResults | null;
  /** Absent in files written before sections were timed one by one. */
  sections?: Partial<Record<BenchmarkName, SectionRun>>;
  failures?: BenchFailure[];
}

/**
 * One section's figures from `from` to `to` (null when `from` has none: an older file, a failed section).
 * Every section has a field named as it is (Pick fails to compile for a section without one).
 */
function copySection<K extends BenchmarkName>(to: Pick<BenchResults, BenchmarkName>, from: Partial<Pick<BenchResults, BenchmarkName>>, name: K): void {
  const value = from[name];
  to[name] = value === undefined ? (null as BenchResults[K]) : (value as BenchResults[K]);
}

type Header = Pick<BenchResults, 'startedAt' | 'finishedAt' | 'totalSeconds' | 'command' | 'scale' | 'machine'>;

/** A results file of any age, with what newer runs add (sections, timings, failures) filled in as "not run". */
export function normalizeResults(raw: Partial<BenchResults> & Header): BenchResults {
  const out = { ...raw, sections: raw.sections ?? {}, failures: raw.failures ?? [] } as BenchResults;
  for (const name of benchmarkNames) copySection(out, raw, name);
  return out;
}

/**
 * The previous results with the sections of `current` that were run (`ran`) laid over them: their figures
 * (null again when the section failed this time), their timing and their failures replace the old ones. The
 * previous run's header (dates, command, scale, machine) and every other section stay as they were.
 */
export function mergeResults(previous: BenchResults, current: BenchResults, ran: readonly BenchmarkName[]): BenchResults {
  const merged = normalizeResults(structuredClone(previous));
  const sections = { ...merged.sections };
  for (const name of ran) {
    copySection(merged, current, name);
    const timing = current.sections?.[name];
    if (timing) sections[name] = timing;
    else delete sections[name];
  }
  merged.sections = sections;
  merged.failures = [...(merged.failures ?? []).filter((f) => !ran.includes(f.section)), ...(current.failures ?? [])];
  return merged;
}

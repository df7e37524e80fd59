// Shared by the reliability files: every API response kept for the secret scan, the scan itself,
// figures written to .data/reliability/ for RELIABILITY.md, and a few small helpers.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import { dataDir } from '../../config/env.ts';
import { capturedLogLines, type Pipeline } from '../support/pipeline.ts';
import type { ReliabilityScale } from './scale.ts';

export const scale: ReliabilityScale = inject('reliabilityScale');

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Every answer of our API (status, headers, body) during this file's run. */
export const apiResponses: string[] = [];
/** Other output to scan: the child workers' stdout and stderr. */
export const otherOutput: string[] = [];

const apiBases = new Set<string>();
let installed = false;

/**
 * Wraps `fetch` so every response from one of our API servers (not the fakes) is kept for the scan.
 * Event streams are recorded by their headers only (their body never ends).
 */
export function keepApiResponses(baseUrl: string): void {
  apiBases.add(baseUrl);
  if (installed) return;
  installed = true;
  const original = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const res = await original(input, init);
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if ([...apiBases].some((b) => url.startsWith(b))) {
      const head = `${res.status} ${url} ${[...res.headers].map(([k, v]) => `${k}: ${v}`).join('; ')}`;
      if (res.headers.get('content-type')?.includes('text/event-stream')) apiResponses.push(head);
      else apiResponses.push(`${head}\n${await res.clone().text()}`);
    }
    return res;
  };
}

export interface SecretScan {
  linesScanned: number;
  responsesScanned: number;
  otherBytesScanned: number;
  secrets: number;
}

/** Fails naming the kind of secret and where it was found (never the secret itself). */
/** Every secret a pipeline is configured with, by name: what each file's scan looks for at the least. */
export function pipelineSecrets(p: Pipeline): Record<string, string | undefined> {
  return {
    serviceTitanClientSecret: p.serviceTitan.clientSecret,
    serviceTitanAppKey: p.serviceTitan.appKey,
    twilioAuthToken: p.tenant.authToken,
    sessionSecret: p.env.SESSION_SECRET,
    encryptionKey: p.env.ENCRYPTION_KEY,
    openaiApiKey: p.env.OPENAI_API_KEY,
  };
}

export function scanForSecrets(secrets: Record<string, string | undefined>): SecretScan {
  const named = Object.entries(secrets).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1].length >= 6);
  const leaks: string[] = [];
  const sources: [string, string[]][] = [
    ['log line', capturedLogLines],
    ['API response', apiResponses],
    ['worker output', otherOutput],
  ];
  for (const [where, texts] of sources) {
    for (const text of texts) {
      for (const [name, value] of named) if (text.includes(value)) leaks.push(`${name} in a ${where}: ${text.split(value).join('[SECRET]').slice(0, 300)}`);
    }
  }
  if (leaks.length > 0) throw new Error(`Secrets found in output:\n${leaks.slice(0, 10).join('\n')}`);
  return {
    linesScanned: capturedLogLines.length,
    responsesScanned: apiResponses.length,
    otherBytesScanned: otherOutput.reduce((n, s) => n + s.length, 0),
    secrets: named.length,
  };
}

/** Figures of one file, for RELIABILITY.md: .data/reliability/<scale>-<name>.json and the console. */
export function recordFigures(name: string, figures: Record<string, unknown>): void {
  const dir = join(dataDir, 'reliability');
  mkdirSync(dir, { recursive: true });
  const record = { name, scale: scale.name, at: new Date().toISOString(), ...figures };
  writeFileSync(join(dir, `${scale.name}-${name}.json`), JSON.stringify(record, null, 2));
  console.info(`[figures] ${JSON.stringify(record)}`);
}

/** Runs `run` over `items` with at most `limit` at a time. */
export async function inBatches<T>(items: readonly T[], limit: number, run: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await run(items[i]!, i);
      }
    }),
  );
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** How many log lines of each level and message this file's process wrote (warn and error only). */
export function logSummary(lines: readonly string[] = capturedLogLines): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of lines) {
    try {
      const entry = JSON.parse(line) as { level?: unknown; msg?: unknown; error?: { message?: unknown } };
      const level = String(entry.level ?? '').toLowerCase();
      if (level !== 'warn' && level !== 'error') continue;
      const detail = typeof entry.error?.message === 'string' ? ` (${entry.error.message.slice(0, 80)})` : '';
      const key = `${level}: ${String(entry.msg)}${detail}`;
      counts[key] = (counts[key] ?? 0) + 1;
    } catch {
      // not JSON
    }
  }
  return counts;
}

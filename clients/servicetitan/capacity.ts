// Dispatch capacity: the open arrival windows ServiceTitan's Adjustable Capacity Planning offers for a
// business unit and job type. A read, but it needs the write scope tn.dis.capacity:w.
import type { ServiceTitanClient } from './client.ts';
import { isRecord, unexpectedAnswer, withMembers } from './shape-checks.ts';

export const capacityScope = 'tn.dis.capacity:w';

/** Dispatch.V2.CapacityRequestArgs (unknown members rejected). */
export interface CapacityQuery {
  startsOnOrAfter: string;
  endsOnOrBefore: string;
  businessUnitIds?: number[] | null;
  jobTypeId?: number | null;
  skillBasedAvailability: boolean;
}

/** Dispatch.V2.CapacityResponseAvailability. `start`/`end` are probably tenant-local; use the UTC pair. */
export interface CapacityWindow {
  start: string;
  end: string;
  startUtc: string;
  endUtc: string;
  businessUnitIds: number[];
  totalAvailability: number;
  openAvailability: number;
  isAvailable: boolean;
  isExceedingIdealBookingPercentage: boolean;
  technicians: Array<{ id: number; name: string; status: 'Available' | 'Unavailable'; hasRequiredSkills?: boolean | null }>;
}

export interface CapacityAnswer {
  timeStamp: string;
  availabilities: CapacityWindow[];
}

const asWindow = (v: unknown) =>
  withMembers<CapacityWindow>(v, 'a capacity window', { startUtc: 'string', endUtc: 'string', isAvailable: 'boolean', openAvailability: 'number' });

export async function getCapacity(client: ServiceTitanClient, query: CapacityQuery): Promise<CapacityAnswer> {
  const json = await client.call({
    method: 'POST',
    module: 'dispatch',
    path: '/capacity',
    body: query,
    operation: 'read capacity',
    scope: capacityScope,
  });
  if (!isRecord(json) || !Array.isArray(json.availabilities)) throw unexpectedAnswer('a capacity answer');
  return { timeStamp: String(json.timeStamp), availabilities: json.availabilities.map(asWindow) };
}

// What an admin does with a campaign: preview it, create it, start / pause / resume / cancel it. A status
// change is written to Postgres (guarded by the status it leaves) before its signal reaches the workflow,
// so progress and status read from Postgres are never behind what a person asked for.
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { CampaignPreview, CampaignStatus, CampaignView } from '../../contract/campaigns.ts';
import type { Database } from '../../db/connection.ts';
import { countAudience, createCampaign, findCampaign, listCampaigns, moveCampaign, sampleAudienceContact } from '../../db/repositories/campaigns.ts';
import { renderCampaignMessage, segmentInfo } from '../../domain/campaigns/campaign-message.ts';
import { campaignWorkflow } from '../../workflows/campaign.ts';
import {
  campaignTaskQueue,
  campaignWorkflowId,
  cancelCampaignSignal,
  pauseCampaignSignal,
  resumeCampaignSignal,
} from '../../workflows/campaign-definitions.ts';
import type { SessionUser } from '../auth/request-auth.ts';
import { ConflictError, ForbiddenError, NotFoundError, ServiceUnavailableError, ValidationError } from '../errors.ts';
import { presentCampaign, presentCampaigns } from './present-campaign.ts';
import type { CreateCampaignInput } from './validate.ts';

export interface CampaignCommandDeps {
  db: Database;
  temporal: Client;
  /** TEMPORAL_TASK_QUEUE; campaigns run on `${it}-campaigns`. */
  taskQueue: string;
}

export function requireCampaignAdmin(user: SessionUser): void {
  if (user.role !== 'admin') throw new ForbiddenError('Only an admin can create or run campaigns.');
}

export function campaignNotFound(): NotFoundError {
  return new NotFoundError('No such campaign.');
}

export async function previewCampaign(db: Database, user: SessionUser, input: { body: string; audience: { tags: string[] } }): Promise<CampaignPreview> {
  const [audienceCount, sample, tenant] = await Promise.all([
    countAudience(db, user.tenantId, input.audience.tags),
    sampleAudienceContact(db, user.tenantId, input.audience.tags),
    db.models.Tenant.findByPk(user.tenantId, { rejectOnEmpty: true }),
  ]);
  const text = renderCampaignMessage(input.body, { firstName: sample?.first_name ?? null, business: tenant.name }, { firstMarketingMessage: true });
  return { audienceCount, sample: text, ...segmentInfo(text) };
}

export async function tenantNumbers(db: Database, tenantId: string): Promise<Array<{ id: string; phone: string; label: string | null }>> {
  const rows = await db.models.PhoneNumber.findAll({ where: { tenantId }, order: [['phone', 'ASC']] });
  return rows.map((n) => ({ id: n.id, phone: n.phone, label: n.label ?? null }));
}

export async function createCampaignCommand(db: Database, user: SessionUser, input: CreateCampaignInput): Promise<CampaignView> {
  requireCampaignAdmin(user);
  const owned = new Set((await tenantNumbers(db, user.tenantId)).map((n) => n.id));
  const foreign = input.fromNumberIds.filter((id) => !owned.has(id));
  if (foreign.length > 0) throw new ValidationError('fromNumberIds: send only from this account’s own numbers.', { fromNumberIds: 'not a number of this account' });
  if (input.sendAt && input.sendAt.getTime() < Date.now() - 60_000) throw new ValidationError('sendAt: that time has passed.', { sendAt: 'in the past' });
  const id = randomUUID();
  const audienceCount = await countAudience(db, user.tenantId, input.audience.tags);
  await createCampaign(db, {
    id,
    tenantId: user.tenantId,
    userId: user.id,
    name: input.name,
    body: input.body,
    fromNumberIds: input.fromNumberIds,
    tags: input.audience.tags,
    sendAt: input.sendAt,
    messagesPerSecond: input.messagesPerSecond,
    skipNeedsAttention: input.skipNeedsAttention,
    recentMarketingDays: input.recentMarketingDays,
    audienceCount,
  });
  return getCampaign(db, user, id);
}

export async function getCampaign(db: Database, user: SessionUser, id: string): Promise<CampaignView> {
  const row = await findCampaign(db, user.tenantId, id);
  if (!row) throw campaignNotFound();
  return presentCampaign(db, row);
}

export async function listCampaignViews(db: Database, user: SessionUser, limit: number): Promise<CampaignView[]> {
  return presentCampaigns(db, await listCampaigns(db, user.tenantId, limit));
}

async function requireCampaign(db: Database, user: SessionUser, id: string) {
  requireCampaignAdmin(user);
  const row = await findCampaign(db, user.tenantId, id);
  if (!row) throw campaignNotFound();
  return row;
}

function refuse(action: string, status: CampaignStatus): ConflictError {
  return new ConflictError(`A ${status} campaign cannot be ${action}.`);
}

export async function startCampaign(deps: CampaignCommandDeps, user: SessionUser, id: string): Promise<CampaignView> {
  const row = await requireCampaign(deps.db, user, id);
  const scheduled = row.send_at !== null && new Date(row.send_at).getTime() > Date.now();
  const to: CampaignStatus = scheduled ? 'scheduled' : 'sending';
  if (!(await moveCampaign(deps.db, id, ['draft'], to, { started: !scheduled }))) throw refuse('started', row.status);
  try {
    await deps.temporal.workflow.start(campaignWorkflow, {
      workflowId: campaignWorkflowId(user.tenantId, id),
      taskQueue: campaignTaskQueue(deps.taskQueue),
      args: [{ campaignId: id, tenantId: user.tenantId }],
    });
  } catch (err) {
    // Nothing runs it: back to draft, so the admin can start it again.
    await moveCampaign(deps.db, id, [to], 'draft');
    throw new ServiceUnavailableError(`The campaign could not be started (${err instanceof Error ? err.message : 'Temporal unavailable'}); try again.`);
  }
  return getCampaign(deps.db, user, id);
}

async function signal(deps: CampaignCommandDeps, tenantId: string, id: string, which: typeof pauseCampaignSignal | typeof resumeCampaignSignal | typeof cancelCampaignSignal) {
  try {
    await deps.temporal.workflow.getHandle(campaignWorkflowId(tenantId, id)).signal(which);
  } catch (err) {
    // A workflow that already finished needs no signal; the status in Postgres is what counts.
    if (!(err instanceof WorkflowNotFoundError)) throw new ServiceUnavailableError('The campaign did not get the request; try again.');
  }
}

export async function pauseCampaign(deps: CampaignCommandDeps, user: SessionUser, id: string): Promise<CampaignView> {
  const row = await requireCampaign(deps.db, user, id);
  if (!(await moveCampaign(deps.db, id, ['sending'], 'paused'))) throw refuse('paused', row.status);
  await signal(deps, user.tenantId, id, pauseCampaignSignal);
  return getCampaign(deps.db, user, id);
}

export async function resumeCampaign(deps: CampaignCommandDeps, user: SessionUser, id: string): Promise<CampaignView> {
  const row = await requireCampaign(deps.db, user, id);
  if (!(await moveCampaign(deps.db, id, ['paused'], 'sending'))) throw refuse('resumed', row.status);
  await signal(deps, user.tenantId, id, resumeCampaignSignal);
  return getCampaign(deps.db, user, id);
}

export async function cancelCampaign(deps: CampaignCommandDeps, user: SessionUser, id: string): Promise<CampaignView> {
  const row = await requireCampaign(deps.db, user, id);
  if (!(await moveCampaign(deps.db, id, ['draft', 'scheduled', 'sending', 'paused'], 'canceled', { finished: row.status === 'draft' }))) {
    throw refuse('canceled', row.status);
  }
  if (row.status !== 'draft') await signal(deps, user.tenantId, id, cancelCampaignSignal);
  return getCampaign(deps.db, user, id);
}

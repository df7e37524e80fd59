// The campaigns API (contract.md, "Campaigns"): admins create, preview and run campaigns; CSRs read them
// (their writes answer 403). Every query is scoped to the session's tenant; another tenant's campaign is a 404.
import type { Client } from '@temporalio/client';
import { json, Router, type RequestHandler } from 'express';
import type { Database } from '../../db/connection.ts';
import { authOf } from '../auth/request-auth.ts';
import {
  campaignNotFound,
  cancelCampaign,
  createCampaignCommand,
  getCampaign,
  listCampaignViews,
  pauseCampaign,
  previewCampaign,
  requireCampaignAdmin,
  resumeCampaign,
  startCampaign,
  tenantNumbers,
} from '../campaigns/campaign-commands.ts';
import { createCampaignSchema, listCampaignsQuerySchema, previewCampaignSchema } from '../campaigns/validate.ts';
import { isUuid, parseOrThrow } from '../conversations/validate.ts';

export interface CampaignRoutesDeps {
  db: Database;
  temporal: Client;
  taskQueue: string;
  requireUser: RequestHandler;
  mutationGuard: RequestHandler;
}

function campaignId(raw: string | string[] | undefined): string {
  if (typeof raw !== 'string' || !isUuid(raw)) throw campaignNotFound();
  return raw.toLowerCase();
}

export function campaignRoutes(deps: CampaignRoutesDeps): Router {
  const { db, requireUser, mutationGuard } = deps;
  const router = Router();
  const body = json({ limit: '32kb', strict: true });
  router.use('/api/campaigns', requireUser, mutationGuard);

  router.get('/api/campaigns', async (req, res) => {
    const { user } = authOf(req);
    const { limit } = parseOrThrow(listCampaignsQuerySchema, req.query);
    res.json({ items: await listCampaignViews(db, user, limit) });
  });

  router.get('/api/campaigns/from-numbers', async (req, res) => {
    const { user } = authOf(req);
    res.json({ numbers: await tenantNumbers(db, user.tenantId) });
  });

  router.post('/api/campaigns/preview', body, async (req, res) => {
    const { user } = authOf(req);
    requireCampaignAdmin(user);
    res.json(await previewCampaign(db, user, parseOrThrow(previewCampaignSchema, req.body)));
  });

  router.post('/api/campaigns', body, async (req, res) => {
    const { user } = authOf(req);
    requireCampaignAdmin(user);
    res.status(201).json({ campaign: await createCampaignCommand(db, user, parseOrThrow(createCampaignSchema, req.body)) });
  });

  router.get('/api/campaigns/:id', async (req, res) => {
    const { user } = authOf(req);
    res.json({ campaign: await getCampaign(db, user, campaignId(req.params.id)) });
  });

  const actions = { start: startCampaign, pause: pauseCampaign, resume: resumeCampaign, cancel: cancelCampaign } as const;
  for (const [action, run] of Object.entries(actions)) {
    router.post(`/api/campaigns/:id/${action}`, async (req, res) => {
      const { user } = authOf(req);
      res.json({ campaign: await run(deps, user, campaignId(req.params.id)) });
    });
  }

  return router;
}

// The contacts API (contract.md, "Contacts"): list, one contact, add (admin), change (names: anyone; the
// rest: admin). Every query is scoped to the session's tenant; another tenant's contact is a 404.
import { json, Router, type RequestHandler } from 'express';
import type { Database } from '../../db/connection.ts';
import { authOf } from '../auth/request-auth.ts';
import { findContacts } from '../contacts/find-contacts.ts';
import { contactNotFound, getContact } from '../contacts/get-contact.ts';
import { createContact, updateContact } from '../contacts/save-contact.ts';
import { contactListQuerySchema, createContactSchema, updateContactSchema } from '../contacts/validate.ts';
import { isUuid, parseOrThrow } from '../conversations/validate.ts';

export interface ContactRoutesDeps {
  db: Database;
  requireUser: RequestHandler;
  mutationGuard: RequestHandler;
}

function contactId(raw: string | string[] | undefined): string {
  if (typeof raw !== 'string' || !isUuid(raw)) throw contactNotFound();
  return raw.toLowerCase();
}

export function contactRoutes({ db, requireUser, mutationGuard }: ContactRoutesDeps): Router {
  const router = Router();
  const body = json({ limit: '32kb', strict: true });
  router.use('/api/contacts', requireUser, mutationGuard);

  router.get('/api/contacts', async (req, res) => {
    const { tenantId } = authOf(req);
    res.json(await findContacts(db, { tenantId, ...parseOrThrow(contactListQuerySchema, req.query) }));
  });

  router.post('/api/contacts', body, async (req, res) => {
    const { user } = authOf(req);
    res.status(201).json(await createContact(db, user, parseOrThrow(createContactSchema, req.body)));
  });

  router.get('/api/contacts/:id', async (req, res) => {
    const { tenantId } = authOf(req);
    res.json(await getContact(db, tenantId, contactId(req.params.id)));
  });

  router.patch('/api/contacts/:id', body, async (req, res) => {
    const { user } = authOf(req);
    res.json(await updateContact(db, user, contactId(req.params.id), parseOrThrow(updateContactSchema, req.body)));
  });

  return router;
}

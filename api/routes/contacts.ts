// The contacts API (contract.md, "Contacts"): list, one contact, add (admin), change (names: anyone; the
// rest: admin). Every query is scoped to the session's tenant; another tenant's contact is a 404.
import type { Client } from '@temporalio/client';
import { json, Router, type RequestHandler } from 'express';
import type { Database } from '../../db/connection.ts';
import { contactImportErrors } from '../../db/repositories/contact-imports.ts';
import { getImport, importNotFound, previewImport, startImport } from '../contacts/contact-imports.ts';
import { exportContacts, writeCsv } from '../contacts/export-contacts.ts';
import { readCsvUpload } from '../contacts/read-csv-upload.ts';
import { ForbiddenError } from '../errors.ts';
import { authOf } from '../auth/request-auth.ts';
import { findContacts } from '../contacts/find-contacts.ts';
import { contactNotFound, getContact } from '../contacts/get-contact.ts';
import { createContact, updateContact } from '../contacts/save-contact.ts';
import { contactListQuerySchema, createContactSchema, updateContactSchema } from '../contacts/validate.ts';
import { isUuid, parseOrThrow } from '../conversations/validate.ts';

export interface ContactRoutesDeps {
  db: Database;
  temporal: Client;
  taskQueue: string;
  requireUser: RequestHandler;
  mutationGuard: RequestHandler;
}

function contactId(raw: string | string[] | undefined): string {
  if (typeof raw !== 'string' || !isUuid(raw)) throw contactNotFound();
  return raw.toLowerCase();
}

function importId(raw: string | string[] | undefined): string {
  if (typeof raw !== 'string' || !isUuid(raw)) throw importNotFound();
  return raw.toLowerCase();
}

export function contactRoutes(deps: ContactRoutesDeps): Router {
  const { db, requireUser, mutationGuard } = deps;
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

  router.get('/api/contacts/export', async (req, res) => {
    const { tenantId } = authOf(req);
    const { search, tag } = parseOrThrow(contactListQuerySchema, req.query);
    await exportContacts(db, { tenantId, search, tag }, res);
  });

  router.post('/api/contacts/imports/preview', async (req, res) => {
    const { user } = authOf(req);
    if (user.role !== 'admin') throw new ForbiddenError('Only an admin can import contacts.');
    res.json(await previewImport(user, await readCsvUpload(req)));
  });

  router.post('/api/contacts/imports', async (req, res) => {
    const { user } = authOf(req);
    if (user.role !== 'admin') throw new ForbiddenError('Only an admin can import contacts.');
    res.status(202).json(await startImport(deps, user, await readCsvUpload(req)));
  });

  router.get('/api/contacts/imports/:id', async (req, res) => {
    const { user } = authOf(req);
    res.json(await getImport(db, user, importId(req.params.id)));
  });

  router.get('/api/contacts/imports/:id/errors.csv', async (req, res) => {
    const { user } = authOf(req);
    const view = await getImport(db, user, importId(req.params.id));
    const errors = await contactImportErrors(db, view.id, null);
    await writeCsv(res, `import-errors-${view.fileName}`, ['Row', 'Problem'], errors.map((e) => [e.row, e.message]));
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

// How the tenant's ServiceTitan bookings are doing: the last 24 hours in figures, the conversations
// whose booking is failing or being retried (with the last error), and where ops can look in Temporal.
import { QueryTypes } from 'sequelize';
import type { BookingHealthView } from '../../contract/settings.ts';
import type { Database } from '../../db/connection.ts';



interface CountRow {
  created: string;
  retrying: string;
  failed: string;
  failed_total: string;
}

interface ProblemRow {
  id: string;
  booking_status: 'failed' | 'retrying';
  booking_attempts: number;
  booking_last_error: string | null;
  updated_at: Date;
  first_name: string | null;
  last_name: string | null;
  phone: string;
}

export interface HealthDeps {
  db: Database;
  temporalUiUrl: string;
  temporalNamespace: string;
}

const problemLimit = 20;

export function temporalUiUrlFor(uiUrl: string, namespace: string, tenantId: string): string {
  return `${uiUrl.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows?query=${encodeURIComponent(`TenantId="${tenantId}"`)}`;
}

export async function getBookingHealth(deps: HealthDeps, tenantId: string): Promise<BookingHealthView> {
  const { sequelize } = deps.db;
  const [counts] = await sequelize.query<CountRow>(
    `SELECT
        count(*) FILTER (WHERE service_titan_booking_created_at >= now() - interval '24 hours') AS created,
        count(*) FILTER (WHERE booking_status = 'retrying' AND updated_at >= now() - interval '24 hours') AS retrying,
        count(*) FILTER (WHERE booking_status = 'failed' AND updated_at >= now() - interval '24 hours') AS failed,
        count(*) FILTER (WHERE booking_status = 'failed') AS failed_total
       FROM conversations
      WHERE tenant_id = :tenantId`,
    { replacements: { tenantId }, type: QueryTypes.SELECT },
  );
  const rows = await sequelize.query<ProblemRow>(
    `SELECT cv.id, cv.booking_status, cv.booking_attempts, cv.booking_last_error, cv.updated_at,
            ct.first_name, ct.last_name, ct.phone
       FROM conversations cv
       JOIN contacts ct ON ct.id = cv.contact_id
      WHERE cv.tenant_id = :tenantId AND cv.booking_status IN ('failed', 'retrying')
      ORDER BY cv.updated_at DESC, cv.id
      LIMIT ${problemLimit}`,
    { replacements: { tenantId }, type: QueryTypes.SELECT },
  );
  return {
    windowHours: 24,
    last24h: {
      created: Number(counts?.created ?? 0),
      retrying: Number(counts?.retrying ?? 0),
      failed: Number(counts?.failed ?? 0),
    },
    failedTotal: Number(counts?.failed_total ?? 0),
    problems: rows.map((r) => ({
      conversationId: r.id,
      status: r.booking_status,
      attempts: r.booking_attempts,
      lastError: r.booking_last_error,
      updatedAt: new Date(r.updated_at).toISOString(),
      contact: { firstName: r.first_name, lastName: r.last_name, phone: r.phone },
      link: `/conversations/${r.id}`,
    })),
    temporalUiUrl: temporalUiUrlFor(deps.temporalUiUrl, deps.temporalNamespace, tenantId),
  };
}

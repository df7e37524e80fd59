import { fail } from '@sveltejs/kit';
import type { BookingHealth, RetryFailedBookings } from '#lib/settings/settings-types.ts';
import { apiLoad, apiRequest } from '#lib/server/api.ts';
import { refusal, tenantBase } from '#lib/server/settings-api.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, fetch }) => ({
  health: await apiLoad<BookingHealth>(fetch, `${tenantBase(locals)}/booking-health`),
});

export const actions: Actions = {
  retryFailed: async ({ fetch, locals }) => {
    const base = tenantBase(locals);
    try {
      const outcome = await apiRequest<RetryFailedBookings>(fetch, `${base}/bookings/retry-failed`, { method: 'POST' });
      return { action: 'retry' as const, outcome };
    } catch (err) {
      const { status, error: message } = refusal(err, 'The bookings could not be retried. Try again.');
      return fail(status, { action: 'retry' as const, error: message });
    }
  },
};

import type { SessionUser } from '#lib/api-types.ts';

declare global {
  namespace App {
    interface Locals {
      /** Set by hooks.server.ts from `GET /api/auth/me`; null when signed out. */
      user: SessionUser | null;
      tenantName: string | null;
    }
    interface Error {
      message: string;
    }
  }
}

export {};

// The assistant's endpoints, registered with the fake in one line.
import type { ApiRoute } from './api-route.ts';
import { customerRoutes } from './customer-routes.ts';
import { dispatchRoutes } from './dispatch-routes.ts';
import { jpmRoutes } from './jpm-routes.ts';

export const assistantRoutes: ApiRoute[] = [...customerRoutes, ...jpmRoutes, ...dispatchRoutes];

// The routes of an Express 5 app, read from its router stack.
export interface RouteEntry {
  method: string;
  path: string;
}

interface StackLayer {
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: unknown };
  slash?: boolean;
  rawPath?: unknown;
}

/**
 * Every route of an Express 5 app, read from its router stack (nested routers included), so a route
 * added later is enumerated without anyone listing it. Routers must be mounted at "/" (all of ours
 * are, and use full paths); anything else fails loudly rather than being skipped.
 */
export function expressRoutes(app: { router: { stack: unknown } }): RouteEntry[] {
  const out: RouteEntry[] = [];
  const walk = (stack: unknown) => {
    for (const layer of stack as StackLayer[]) {
      if (layer.route) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        for (const path of paths) {
          if (typeof path !== 'string') throw new Error(`route with a non-string path: ${String(path)}`);
          for (const method of Object.keys(layer.route.methods)) if (method !== '_all') out.push({ method: method.toUpperCase(), path });
        }
      } else if (layer.handle && Array.isArray(layer.handle.stack)) {
        if (!layer.slash) throw new Error(`a router mounted at ${String(layer.rawPath)}: extend expressRoutes() to prefix its routes`);
        walk(layer.handle.stack);
      }
    }
  };
  walk(app.router.stack);
  return out;
}

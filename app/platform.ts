// Assembles the front-ends that are configured: each adapter contributes a mount (its
// webhook path) or routes, or nothing when its variables are absent.
import type { Route } from '../web/http.ts';
import type { HealthProbe, Mount } from './server.ts';
import type { Services } from './services.ts';

export interface Platform {
  mounts: Mount[];
  routes: Route[];
  probes: HealthProbe[];
  /** Called on shutdown, in reverse order of start. */
  stops: (() => Promise<void>)[];
}

/** Every adapter's contribution. Adapters return null when not configured. */
export async function assemblePlatform(services: Services): Promise<Platform> {
  const platform: Platform = { mounts: [], routes: [], probes: [], stops: [] };
  // Each front-end adds itself below (one line each).
  return platform;
}

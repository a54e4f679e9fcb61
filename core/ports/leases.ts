/**
 * Named leases with an expiry, for work exactly one process may do at a time (the Discord
 * Gateway connection): a holder takes the lease, renews it before it expires and releases it on
 * stop; a holder that died loses it when it expires. Implemented in prisma/lease-store.ts.
 */
export interface LeaseStore {
  /** Takes or renews `name` for `holder` for `ttlMs`; false while another holder's lease runs. */
  acquire(name: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up if `holder` holds it (others may take it at once). */
  release(name: string, holder: string): Promise<void>;
}

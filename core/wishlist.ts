/**
 * The wishlist: community crowdfunding of a feature described in a GitHub issue. One file per
 * concern under core/wishlist/; this barrel keeps the one import path.
 *
 * Lifecycle: open → quoted → funded → in_progress → delivered, or cancelled / expired.
 */
export * from './wishlist/ids.ts';
export * from './wishlist/delay.ts';
export * from './wishlist/wish.ts';
export * from './wishlist/status.ts';
export * from './wishlist/progress.ts';
export * from './wishlist/transitions.ts';
export * from './wishlist/public-wish.ts';

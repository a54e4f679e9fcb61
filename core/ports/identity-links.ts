/**
 * A chat user's GitHub identity, proven from GitHub: the user asks in chat, gets a one-time
 * code, and posts it in a GitHub comment from that login. Only the code's hash is stored.
 */
export interface IdentityLink {
  /** `discord:<user id>`, `slack:<team>:<user>`. */
  readonly userRef: string;
  /** The confirmed GitHub login (lower-case), null until confirmed. */
  readonly githubLogin: string | null;
  /** A pending claim: the login asked for (lower-case) and when its code stops working. */
  readonly pendingLogin: string | null;
  readonly expiresAt: Date | null;
  readonly confirmedAt: Date | null;
}

export interface IdentityLinkStore {
  find(userRef: string): Promise<IdentityLink | null>;
  /** Records a pending claim for `userRef`, replacing an earlier pending one; a confirmed login stays until replaced. */
  savePending(input: { userRef: string; pendingLogin: string; codeHash: string; expiresAt: Date }): Promise<void>;
  /** The link whose pending code has this hash. */
  findByCodeHash(codeHash: string): Promise<IdentityLink | null>;
  /**
   * Confirms the pending claim if its code is still `codeHash` (so a code works once, even
   * when two comments race); true when this call confirmed it.
   */
  confirm(input: { userRef: string; codeHash: string; githubLogin: string; at: Date }): Promise<boolean>;
  /** Forgets the user's link (confirmed login and any pending code); the removed link, or null when there was none. */
  remove(userRef: string): Promise<IdentityLink | null>;
}

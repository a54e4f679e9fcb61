// Rule: only a repository with an open-source licence, as GitHub detects it, can opt in.

/** SPDX ids GitHub reports when it found no licence or could not name it. */
const NOT_A_LICENCE = new Set(['NOASSERTION', 'NONE', 'OTHER']);

/** The licence GitHub detected, when it is an open-source one it could name; null otherwise. */
export function openSourceLicence(spdxId: string | null | undefined): string | null {
  if (!spdxId || NOT_A_LICENCE.has(spdxId.toUpperCase())) return null;
  return spdxId;
}

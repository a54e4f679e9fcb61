// Lexing shared by the grammars: words, refusals of a command's shape, and "did you mean".
import { DomainError, err, type ErrorHint, type Result } from '../errors.ts';

export const words = (s: string): string[] => s.split(/\s+/u).filter((w) => w !== '');

/** Refuses a command's shape with `invalid_command`; `hint` says what to run instead. */
export function invalidCommand(message: string, details: Record<string, unknown> = {}, hint: ErrorHint | null = null): Result<never> {
  return err(new DomainError('invalid_command', message, details, hint));
}

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** The candidate closest to `word`, if close enough to be a plausible typo or prefix. */
export function closest(word: string, candidates: readonly string[]): string | null {
  const w = word.toLowerCase();
  let best: string | null = null;
  let bestScore = Infinity;
  for (const c of candidates) {
    const score = c.startsWith(w) && w.length >= 2 ? 0.5 : distance(w, c);
    if (score < bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return best !== null && bestScore <= Math.max(1, Math.floor(best.length / 3)) ? best : null;
}

// Rule: maintainers' shares are whole percents between 1 and 100 that sum to exactly 100.
import type { OptInRule } from './file.ts';

/** Each share is a whole number from 1 to 100, and together they make 100. */
export const sharesRule: OptInRule = (file) => {
  const problems: string[] = [];
  for (const [login, share] of file.maintainers) {
    if (!Number.isInteger(share)) problems.push(`\`maintainers\`: each share must be a whole number of percent (${login} has ${share}).`);
    else if (share < 1 || share > 100) problems.push(`\`maintainers\`: ${login} has a share of ${share}; each share is between 1 and 100.`);
  }
  const sum = file.maintainers.reduce((s, [, share]) => s + share, 0);
  if (file.maintainers.length > 0 && sum !== 100) problems.push(`\`maintainers\`: the shares sum to ${sum}; they must sum to exactly 100.`);
  return problems;
};

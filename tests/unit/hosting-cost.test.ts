import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { costTable, costTableMarkdown, monthlyUsage, PRICES, usageCost } from '../../tools/cost/hosting-cost.ts';

/** A Markdown table's cells, trimmed (the formatter pads them to line up), with separator rows as '-'. */
function cells(markdown: string): string {
  return markdown
    .split('\n')
    .filter((line) => line.trimStart().startsWith('|'))
    .map((line) =>
      line
        .split('|')
        .map((cell) => (/^\s*:?-+:?\s*$/.test(cell) ? '-' : cell.trim()))
        .join('|'),
    )
    .join('\n');
}

describe('what hosting costs (README, Deploy)', () => {
  it('README shows the table the model computes', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(cells(readme)).toContain(cells(costTableMarkdown()));
  });

  it('costs nothing beyond the plan while every count is within what it includes', () => {
    const usage = monthlyUsage(1, 10);
    for (const [key, used] of Object.entries(usage)) expect(used, key).toBeLessThanOrEqual(PRICES[key as keyof typeof usage].included);
    expect(usageCost(usage)).toBe(0);
  });

  it('charges what goes beyond an included amount at its price', () => {
    const usage = { ...monthlyUsage(1, 10), durableObjectRequests: PRICES.durableObjectRequests.included + 2_000_000 };
    expect(usageCost(usage)).toBeCloseTo(2 * PRICES.durableObjectRequests.usdPerMillion, 6);
  });

  it('grows with the number of requests and of municipalities', () => {
    const rows = costTable();
    expect(rows).toHaveLength(6);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.objectRequests).toBeGreaterThan(rows[i - 1]!.objectRequests);
    expect(rows.at(-1)!.totalUsd).toBeGreaterThan(PRICES.planBase.usdPerMonth);
  });
});

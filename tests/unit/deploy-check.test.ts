import { describe, expect, it } from 'vitest';
import { checkDeploy, REQUIRED_SECRETS } from '../../tools/dev/deploy-check.ts';

const listing =
  (names: string[], code = 0) =>
  async () => ({ code, stdout: JSON.stringify(names.map((name) => ({ name, type: 'secret_text' }))) });

describe('npm run deploy refuses without the production secrets', () => {
  it('passes when every required secret is set', async () => {
    expect(await checkDeploy(listing([...REQUIRED_SECRETS, 'OTHER']))).toEqual([]);
  });
  it('names RATE_LIMIT_SECRET when it is missing', async () => {
    const problems = await checkDeploy(listing(REQUIRED_SECRETS.filter((name) => name !== 'RATE_LIMIT_SECRET')));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('RATE_LIMIT_SECRET');
  });
  it('refuses while the development door to hosted inboxes is set', async () => {
    const problems = await checkDeploy(listing([...REQUIRED_SECRETS, 'HOSTED_DEVELOPMENT_TOKEN']));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('HOSTED_DEVELOPMENT_TOKEN');
  });
  it('refuses when wrangler cannot list the secrets', async () => {
    expect(await checkDeploy(listing([], 1))).toHaveLength(1);
    expect(await checkDeploy(async () => ({ code: 0, stdout: 'not json' }))).toHaveLength(1);
  });
});

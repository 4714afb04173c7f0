/** Where the test suite's own development intake lives (keys, inbox), apart from `npm start`'s. */
export const testIntakeDir = '.dev-intake-test';

/** The test intake receiver's port, paired with the site's so parallel runs do not collide. */
export function testIntakePortFor(sitePort: number): number {
  return sitePort + 1000;
}

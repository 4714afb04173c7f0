/** Where the test suite's own development intake lives (keys, inbox), apart from `npm start`'s. */
export const testIntakeDir = '.dev-intake-test';
export const testIntakePort = 8798;

import { defineConfig } from 'vitest/config';

const resultsDir = process.env.RF_RESULTS_DIR;

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
    reporters: resultsDir ? ['default', ['json', { outputFile: `${resultsDir}/unit.json` }]] : ['default'],
  },
});

import { defineConfig } from 'vitest/config'

// The real-Nova lane (npm run test:nova): a real OpenStack Nova on loopback (../shared/nova-local),
// recorded through the built `cloudtape record` and replayed through `cloudtape replay` with Nova
// stopped. One file, run in order: every recording happens before Nova is stopped.
export default defineConfig({
  test: {
    include: ['test/nova/**/*.test.ts'],
    globalSetup: ['test/nova/global-setup.ts'],
    fileParallelism: false,
    // Real clients are Python programs (1-3 s per call) and servers take seconds to build; a story
    // took 80 s on a loaded 2-core machine, so twice as slow a CI machine still fits.
    testTimeout: 480_000,
    hookTimeout: 180_000,
    reporters: ['verbose'],
  },
})

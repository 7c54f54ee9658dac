import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const fromSource = (path: string): string => fileURLToPath(new URL(path, import.meta.url))

// Source mode maps the public package names to the TypeScript sources; CLOUDTAPE_FROM_DIST=1
// resolves them through the package's own exports (dist/), so e2e tests also check the build.
export default defineConfig({
  resolve: {
    alias: process.env['CLOUDTAPE_FROM_DIST']
      ? []
      : [
          { find: /^cloudtape\/proxy$/, replacement: fromSource('./proxy/index.ts') },
          { find: /^cloudtape\/cassettes$/, replacement: fromSource('./cassettes/index.ts') },
          { find: /^cloudtape$/, replacement: fromSource('./replay/index.ts') },
        ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/nova/**', 'node_modules/**'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
})

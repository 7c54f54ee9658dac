import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The version in cloudtape's package.json, found by walking up from this file (source or dist/). */
export function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let depth = 0; depth < 4; depth += 1) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string }
      if (pkg.name === 'cloudtape' && pkg.version) return pkg.version
    } catch {
      // not here; keep walking up
    }
    dir = dirname(dir)
  }
  return '0.0.0'
}

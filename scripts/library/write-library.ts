import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { buildLibrary } from './build-library.js'
import { replaceLibraryReadmeBlock } from './library-readme.js'

/**
 * `npm run build:library`: rebuilds cassettes/library/ from scripts/library/ and the README's
 * library tables. Run from the package root. Files the sources no longer give are removed.
 */
async function main(root: string): Promise<void> {
  const sourceDir = join(root, 'scripts', 'library')
  const libraryDir = join(root, 'cassettes', 'library')
  const files = buildLibrary(sourceDir)
  const wanted = new Set(files.map((file) => file.file))
  for (const existing of await listFiles(libraryDir)) if (!wanted.has(existing)) await rm(join(libraryDir, existing))
  let written = 0
  for (const file of files) {
    const path = join(libraryDir, file.file)
    if ((await readFile(path, 'utf8').catch(() => null)) === file.text) continue
    await mkdir(dirname(path), { recursive: true })
    await writeFile(path, file.text)
    written += 1
  }
  const readmePath = join(root, 'README.md')
  const readme = await readFile(readmePath, 'utf8')
  const updated = replaceLibraryReadmeBlock(readme, files)
  if (updated !== readme) await writeFile(readmePath, updated)
  process.stdout.write(`library: ${files.length} cassettes in cassettes/library (${written} rewritten)${updated !== readme ? ', README.md tables updated' : ''}\n`)
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(join(dir, prefix), { withFileTypes: true }).catch(() => [])
  const files: string[] = []
  for (const entry of entries) {
    const relative = prefix === '' ? entry.name : `${prefix}/${entry.name}`
    if (entry.isDirectory()) files.push(...(await listFiles(dir, relative)))
    else if (entry.name.endsWith('.json')) files.push(relative)
  }
  return files
}

main(resolve(process.cwd())).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 1
})

import { constants } from 'node:fs'
import { access, mkdir, stat } from 'node:fs/promises'
import { isAbsolute, join, relative, resolve, sep } from 'node:path'
import { CloudtapeError } from '../../cassettes/index.js'

/** Where the demo writes unless `--out` says otherwise (relative to the current directory). */
export const DEFAULT_DEMO_OUT = 'cloudtape-demo'

/** The demo's cassette file and how to name it to the user. */
export interface DemoOutput {
  readonly dir: string
  readonly cassettePath: string
  /** The path as the user should type it: relative to the current directory when inside it. */
  readonly display: string
  readonly displayDir: string
  /** True when a cassette of an earlier run is there (and will be overwritten). */
  readonly overwrites: boolean
}

/** The cassette's file name: one per dialect, so runs of both dialects sit side by side. */
export function demoCassetteName(dialect: string): string {
  return dialect === 'rackspace' ? 'boot-reboot-delete.json' : `boot-reboot-delete-${dialect}.json`
}

/**
 * Resolves `--out`, creates the folder and checks it is writable, before anything starts: the
 * demo fails in its first second, not after recording. Refuses folders inside node_modules (npm
 * deletes them, and the user would never find the cassette there).
 */
export async function prepareOutputFolder(out: string, dialect: string, cwd: string): Promise<DemoOutput> {
  const dir = resolve(cwd, out)
  if (dir.split(sep).includes('node_modules')) {
    throw new CloudtapeError('ERR_CLOUDTAPE_INVALID_OPTION', `Invalid --out "${out}": ${dir} is inside node_modules, where npm deletes files and nobody looks. Pass --out <dir> elsewhere, e.g. --out ./${DEFAULT_DEMO_OUT}.`)
  }
  await createWritableFolder(dir, out)
  const cassettePath = join(dir, demoCassetteName(dialect))
  return { dir, cassettePath, display: displayPath(cassettePath, cwd), displayDir: displayPath(dir, cwd), overwrites: await exists(cassettePath) }
}

async function createWritableFolder(dir: string, out: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true })
    if (!(await stat(dir)).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' })
    await access(dir, constants.W_OK)
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message
    throw new CloudtapeError('ERR_CLOUDTAPE_CASSETTE_WRITE', `Cannot write the demo's cassette to ${dir} (${reason}). Pass --out <dir> with a folder you can write, e.g. --out ./${DEFAULT_DEMO_OUT}.`, { cause: error })
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch {
    return false
  }
}

/** `cloudtape-demo/boot-reboot-delete.json` inside the current directory, the absolute path elsewhere. */
export function displayPath(path: string, cwd: string): string {
  const inside = relative(cwd, path)
  return inside !== '' && !inside.startsWith('..') && !isAbsolute(inside) ? inside : path
}

import { readFile, stat } from 'node:fs/promises'
import { inspectCassetteText, jsonPath } from './cassette-format.js'
import { compileRules, fieldAction } from './compile-rules.js'
import { CloudtapeError } from './errors.js'
import { isPlaceholder } from './placeholders.js'
import { listJsonFiles, MAX_CASSETTE_FILE_BYTES } from './store.js'
import { decodeXmlEntities } from './xml.js'

/** One thing `cloudtape lint` found: where, and why it matters. */
export interface LintFinding {
  readonly file: string
  /** A JSON path (`$.interactions[0].request.headers["x-auth-token"]`), or a line and column for broken JSON. */
  readonly path: string
  readonly reason: string
  readonly kind: 'secret' | 'invalid'
}

export interface LintReport {
  readonly files: number
  readonly interactions: number
  readonly findings: readonly LintFinding[]
}

/** The recorder's own tables tell what a secret position is; lint uses the defaults. */
const RULES = compileRules()
const AUTH_SCHEME = /^(?:Bearer|Basic|Token|Negotiate|Digest)\s+/i
const PRIVATE_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/
/** Token shapes that are secrets wherever they appear: HP Helion tokens, Keystone Fernet tokens. */
const TOKEN_SHAPES = /\bHPAuth_[0-9a-f]{16,}|\bgAAAAAB[\w-]{40,}/
const SECRET_ISH_NAME = /pass(?:word|wd)?$|secret|token|api_?key|credential|private/i
const MAX_DEPTH = 512

/**
 * Checks one cassette file's text: that it is a valid cassette, and that nothing in it looks like
 * a secret that survived (known secret fields or auth headers holding something other than a
 * placeholder, private key blocks, token-shaped strings, high-entropy values in secret-looking
 * fields, passwords in XML attributes or elements).
 */
export function lintCassetteText(text: string, file: string): { interactions: number; findings: LintFinding[] } {
  const findings: LintFinding[] = []
  const inspection = inspectCassetteText(text)
  let document: unknown
  if ('cassette' in inspection) document = inspection.cassette
  else {
    findings.push({ file, path: inspection.problem.where, reason: `invalid cassette: ${inspection.problem.why}. ${inspection.problem.todo}`, kind: 'invalid' })
    document = inspection.json
  }
  if (document !== undefined) scanValue(document, [], undefined, file, findings)
  const interactions = 'cassette' in inspection ? inspection.cassette.interactions.length : 0
  return { interactions, findings }
}

type Path = Array<string | number>

function scanValue(value: unknown, path: Path, parent: string | undefined, file: string, findings: LintFinding[]): void {
  if (path.length > MAX_DEPTH) {
    findings.push({ file, path: toJsonPath(path), reason: 'nests too deep to check; a cassette never does', kind: 'invalid' })
    return
  }
  if (typeof value === 'string') {
    scanString(value, path, parent, file, findings)
    return
  }
  if (value === null || typeof value !== 'object') return
  const key = path.at(-1)
  const name = typeof key === 'string' ? key : parent
  if (Array.isArray(value)) value.forEach((item, index) => scanValue(item, [...path, index], parent, file, findings))
  else for (const [child, item] of Object.entries(value)) scanValue(item, [...path, child], name, file, findings)
}

function scanString(value: string, path: Path, parent: string | undefined, file: string, findings: LintFinding[]): void {
  const key = path.at(-1)
  const at = toJsonPath(path)
  const report = (reason: string) => findings.push({ file, path: at, reason, kind: 'secret' })
  if (PRIVATE_KEY.test(value)) return void report('a private key block')
  if (TOKEN_SHAPES.test(value)) return void report('a token-shaped string')
  if (typeof key !== 'string' || value === '') return
  if (parent === 'headers' && RULES.secretHeaders.has(key.toLowerCase())) {
    if (!isPlaceholder(value.replace(AUTH_SCHEME, ''))) report(`the ${key} header holds a credential, not a placeholder`)
    return
  }
  const action = fieldAction(RULES, key, parent)
  if (action && 'secret' in action) {
    if (!isPlaceholder(value.trim())) report(`"${key}" holds a value that is not a placeholder`)
    return
  }
  if (SECRET_ISH_NAME.test(key) && looksRandom(value)) return void report(`"${key}" holds a high-entropy value`)
  if (key === 'text' && (parent === 'body' || parent === undefined)) scanBodyText(value, at, file, findings)
}

/** XML attributes and elements, JSON fields and form fields inside a stored text body. */
function scanBodyText(text: string, at: string, file: string, findings: LintFinding[]): void {
  const check = (name: string, raw: string, where: string) => {
    const local = name.slice(name.lastIndexOf(':') + 1)
    const action = fieldAction(RULES, local, undefined) ?? fieldAction(RULES, name, undefined)
    const value = decodeXmlEntities(raw).trim()
    if (action && 'secret' in action && value !== '' && !isPlaceholder(value)) {
      findings.push({ file, path: at, reason: `${where} "${name}" holds a value that is not a placeholder`, kind: 'secret' })
    }
  }
  for (const match of text.matchAll(/\s([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) check(match[1] as string, match[2] ?? match[3] ?? '', 'XML attribute')
  for (const match of text.matchAll(/<([\w:.-]+)(?:\s[^>]*)?>([^<]*)<\/\1>/g)) check(match[1] as string, match[2] as string, 'XML element')
  for (const match of text.matchAll(/"([\w:.-]+)"\s*:\s*"((?:[^"\\]|\\.)*)"/g)) check(match[1] as string, match[2] as string, 'JSON field')
  for (const match of text.matchAll(/(?:^|&)([\w.-]+)=([^&\s]*)/g)) check(match[1] as string, safeDecode(match[2] as string), 'form field')
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '))
  } catch {
    return text
  }
}

/** Long, varied and not a placeholder or a timestamp: Shannon entropy of at least 3.5 bits per character. */
function looksRandom(value: string): boolean {
  if (value.length < 16 || isPlaceholder(value) || /^\d{4}-\d{2}-\d{2}/.test(value) || /\s/.test(value)) return false
  const counts = new Map<string, number>()
  for (const char of value) counts.set(char, (counts.get(char) ?? 0) + 1)
  let entropy = 0
  for (const count of counts.values()) {
    const p = count / value.length
    entropy -= p * Math.log2(p)
  }
  return entropy >= 3.5
}

function toJsonPath(path: Path): string {
  return jsonPath(path.map((part) => '/' + String(part).replace(/~/g, '~0').replace(/\//g, '~1')).join(''))
}

/**
 * Lints a cassette file, or every `.json` file under a folder. Fails with
 * ERR_CLOUDTAPE_CASSETTE_NOT_FOUND when the path does not exist.
 *
 * @example
 * const report = await lintPath('test/cassettes')
 * if (report.findings.length > 0) process.exitCode = 1
 */
export async function lintPath(path: string): Promise<LintReport> {
  let folder: boolean
  try {
    folder = (await stat(path)).isDirectory()
  } catch (error) {
    throw new CloudtapeError('ERR_CLOUDTAPE_CASSETTE_NOT_FOUND', `Cannot lint "${path}": there is no such file or folder. Pass a cassette file or a folder of cassettes.`, { cause: error })
  }
  const files = folder ? await listJsonFiles(path) : [path]
  const findings: LintFinding[] = []
  let interactions = 0
  for (const file of files) {
    const size = (await stat(file)).size
    if (size > MAX_CASSETTE_FILE_BYTES) {
      findings.push({ file, path: '$', reason: `invalid cassette: ${size} bytes is more than cloudtape reads. Split the session into smaller cassettes.`, kind: 'invalid' })
      continue
    }
    const result = lintCassetteText(await readFile(file, 'utf8'), file)
    interactions += result.interactions
    findings.push(...result.findings)
  }
  return { files: files.length, interactions, findings }
}

/**
 * Makes a client's output comparable between a live run and its replay: what the recorder
 * normalizes (ids, the project, the user, times, adminPass, hosts and ports) becomes a label
 * numbered in order of first appearance, so a value that repeats still repeats, and tables are
 * re-joined without padding (a placeholder may be longer than the real value it replaced).
 */
export class OutputNormalizer {
  private readonly labels = new Map<string, string>()
  private readonly counts = new Map<string, number>()

  normalize(text: string): string {
    return text
      .replace(/\r/g, '\n')
      .replace(/\bhttps?:\/\/[^\s/'"|]+(?:\/_upstream\/[a-z]+\/[^\s/'"|]+)?/g, '<endpoint>')
      .replace(/\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?/g, '<time>')
      .replace(/\breq-[0-9a-f-]{36}\b/g, '<request-id>')
      .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, (id) => this.label('id', id))
      .replace(/\b[0-9a-f]{32,}\b/g, (hex) => this.label('hex', hex))
      .replace(/(adminPass\W+)([^\s|",]+)/g, (_all, key: string) => `${key}<secret>`)
      .replace(/((?:user_id|userId)\W+)([^\s|",]+)/g, (_all, key: string, user: string) => key + this.label('user', user))
      .split('\n')
      .map(joinTableRow)
      .filter((line) => line.trim() !== '')
      .join('\n')
  }

  /** The same normalization over every string of a JSON value. */
  normalizeValue(value: unknown): unknown {
    if (typeof value === 'string') return this.normalize(value)
    if (Array.isArray(value)) return value.map((item) => this.normalizeValue(item))
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, this.normalizeValue(item)]))
    return value
  }

  private label(kind: string, value: string): string {
    let label = this.labels.get(value)
    if (label === undefined) {
      const count = (this.counts.get(kind) ?? 0) + 1
      this.counts.set(kind, count)
      label = `<${kind}-${count}>`
      this.labels.set(value, label)
    }
    return label
  }
}

/** `| a   | b |` → `| a | b |`; `+----+---+` → `+`. */
function joinTableRow(line: string): string {
  const trimmed = line.trim()
  if (/^\+[-+=]+\+$/.test(trimmed)) return '+'
  if (trimmed.startsWith('|') && trimmed.endsWith('|')) {
    return '| ' + trimmed.slice(1, -1).split('|').map((cell) => cell.trim()).join(' | ') + ' |'
  }
  return trimmed
}

/** Aligned plain-text columns, two spaces apart, the last column not padded; one line per row. */
export function formatTable(columns: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = columns.map((title, column) => Math.max(title.length, ...rows.map((cells) => (cells[column] ?? '').length)))
  const line = (values: readonly string[]): string => values.map((value, column) => (column === values.length - 1 ? value : value.padEnd(widths[column] as number))).join('  ') + '\n'
  return line(columns) + rows.map(line).join('')
}

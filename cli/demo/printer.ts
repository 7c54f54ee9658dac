import type { ClientCall } from './client.js'

/** ANSI styles; each is the identity when colors are off. */
export interface Style {
  bold(text: string): string
  dim(text: string): string
  green(text: string): string
  yellow(text: string): string
  red(text: string): string
  cyan(text: string): string
}

export interface PrinterOptions {
  readonly write: (text: string) => void
  /** ANSI colors (only when stdout is a terminal and NO_COLOR is unset). */
  readonly color: boolean
  /** Only the closing lines (where the cassette is, what to try next). */
  readonly quiet: boolean
}

/** Prints the demo's story: numbered steps, labelled facts and the client's calls in aligned columns. */
export interface Printer {
  readonly style: Style
  /** A step heading: `3/6  Run a client ...`. */
  step(number: number, title: string): void
  /** A titled part of a step, after a blank line. */
  part(title: string): void
  /** A labelled fact under a step, labels aligned. */
  fact(label: string, value: string): void
  /** A line of its own under a step, aligned with the calls. */
  note(text: string): void
  /** Follow-on lines of the previous fact, aligned with its value. */
  more(value: string): void
  /** One client call: method, operation key, status, note. */
  call(call: ClientCall): void
  /** A line printed even in quiet mode. */
  always(text: string): void
}

export const STEP_COUNT = 6
const INDENT = '     '
const LABEL_WIDTH = 10
const METHOD_WIDTH = 7
const OPERATION_WIDTH = 24

const ANSI = { bold: [1, 22], dim: [2, 22], green: [32, 39], yellow: [33, 39], red: [31, 39], cyan: [36, 39] } as const

/** The styles, as ANSI escapes or as plain text. */
export function createStyle(color: boolean): Style {
  const paint = (codes: readonly [number, number]) => (text: string) => (color ? `\u001b[${codes[0]}m${text}\u001b[${codes[1]}m` : text)
  return { bold: paint(ANSI.bold), dim: paint(ANSI.dim), green: paint(ANSI.green), yellow: paint(ANSI.yellow), red: paint(ANSI.red), cyan: paint(ANSI.cyan) }
}

/** A printer writing through `write`. */
export function createPrinter(options: PrinterOptions): Printer {
  const style = createStyle(options.color)
  const print = (text: string): void => {
    if (!options.quiet) options.write(`${text}\n`)
  }
  return {
    style,
    step: (number, title) => print(`\n${style.bold(style.cyan(`${number}/${STEP_COUNT}`))}  ${style.bold(title)}`),
    part: (title) => print(`\n${INDENT}${style.bold(title)}`),
    fact: (label, value) => print(`${INDENT}${style.dim(label.padEnd(LABEL_WIDTH))}${value}`),
    note: (text) => print(`${INDENT}${text}`),
    more: (value) => print(`${INDENT}${' '.repeat(LABEL_WIDTH)}${value}`),
    call: (call) => print(formatCall(call, style)),
    always: (text) => options.write(`${text}\n`),
  }
}

/** `     POST    servers.create          202  demo-web-1 accepted`, colored by outcome. */
export function formatCall(call: ClientCall, style: Style): string {
  const status = String(call.status)
  const paintStatus = call.status >= 500 ? style.red : call.status >= 400 ? style.yellow : style.green
  const note = call.fault ? (call.note.startsWith('ERROR') ? style.red(call.note) : style.yellow(call.note)) : call.note
  return `${INDENT}${call.method.padEnd(METHOD_WIDTH)} ${call.operation.padEnd(OPERATION_WIDTH)} ${paintStatus(status)}  ${note}`
}

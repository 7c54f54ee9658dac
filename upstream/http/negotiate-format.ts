import type { BodyFormat } from '../../cassettes/index.js'

/** A `.json`/`.xml` suffix on the last path segment, or as a bare last segment (`/v2/.xml`). */
const SUFFIX = /\.(json|xml)$/i

/**
 * The response format as 001 §1.4 and 003 §3.4 define it: the URI's suffix wins, then the Accept
 * header, else JSON. The request's own Content-Type does not choose it (an XML request without
 * Accept gets JSON), unlike cloudtape's resolver, which also guesses from the body's type.
 */
export function negotiateFormat(url: string, accept: string | undefined): BodyFormat {
  const question = url.indexOf('?')
  const path = question < 0 ? url : url.slice(0, question)
  const suffix = SUFFIX.exec(path)
  if (suffix) return (suffix[1] as string).toLowerCase() as BodyFormat
  if (accept) {
    const xml = accept.search(/xml/i)
    const json = accept.search(/json/i)
    if (xml >= 0 && (json < 0 || xml < json)) return 'xml'
  }
  return 'json'
}

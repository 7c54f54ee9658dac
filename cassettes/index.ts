// Public API of cloudtape/cassettes: every export by name (no `export *`).
export { CloudtapeError, isCloudtapeError, assertOneOf, CLOUDTAPE_ERROR_CODES } from './errors.js'
export type { CloudtapeErrorCode } from './errors.js'
export { systemClock, createFakeClock, isoSeconds } from './clock.js'
export type { Clock, FakeClock } from './clock.js'
export { OPERATIONS, DIALECTS, HTTP_METHODS, CODE_CORRECTIONS, getOperation, documentedCodes } from './operation-catalog.js'
export type { Operation, Dialect, CatalogDialect, HttpMethod } from './operation-catalog.js'
export { resolveOperation, isFallbackKey } from './resolve-operation.js'
export type { ResolveOperationInput, ResolvedOperation, BodyFormat } from './resolve-operation.js'
export { FAULTS, FAULT_NAMESPACES, getFault, faultsForDialect, renderFault, escapeXml } from './fault-catalog.js'
export type { FaultDefinition, RenderFaultOptions, RenderedFault } from './fault-catalog.js'
export { CASSETTE_VERSION, TRANSPORT_FAULT_KINDS } from './schema.js'
export type {
  Cassette,
  CassetteMeta,
  CassetteSource,
  Interaction,
  RecordedRequest,
  RecordedResponse,
  StoredBody,
  StoredHeaders,
  BodyKind,
  JsonValue,
  TransportFault,
  TransportFaultKind,
  TruncationMark,
} from './schema.js'
export { decodeBody, encodeStoredBody, classifyBody, toStoredBody, decodeContentEncoding, defaultContentType, DEFAULT_MAX_BODY_BYTES } from './body.js'
export type { ClassifiedBody, DecodeBodyOptions } from './body.js'
export { isLosslessJson, MAX_JSON_DEPTH } from './json-lossless.js'
export { parseXml, canonicalXml, canonicalXmlTree, decodeXmlEntities, isWellFormedXml } from './xml.js'
export type { XmlElement, XmlNode, CanonicalXmlElement } from './xml.js'
export { scanXml } from './xml-scan.js'
export type { XmlScanVisitor } from './xml-scan.js'

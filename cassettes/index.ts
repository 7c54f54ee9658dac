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
export {
  isPlaceholder,
  isSecretPlaceholder,
  secretPlaceholder,
  numericPlaceholder,
  SECRET_KINDS,
  ID_KINDS,
  WELL_KNOWN_VALUES,
  NORMALIZED_TIME,
  NORMALIZED_EXPIRY,
  NORMALIZED_REQUEST_ID,
} from './placeholders.js'
export type { SecretKind, IdKind } from './placeholders.js'
export {
  BUILTIN_VOLATILE_RULES,
  SECRET_FIELDS,
  ID_FIELDS,
  KEPT_FIELDS,
  PARAM_KINDS,
  SECRET_HEADERS,
  ID_HEADERS,
  KEPT_REQUEST_HEADERS,
  KEPT_RESPONSE_HEADERS,
  SECRET_QUERY_PARAMS,
  WELL_KNOWN_HOSTS,
  MIN_SCRUBBED_SECRET_LENGTH,
  MIN_SCRUBBED_ID_LENGTH,
} from './normalization-rules.js'
export type { NormalizationOptions, VolatileRule, FieldRule, FieldAction } from './normalization-rules.js'
export { compileRules, fieldAction, BUILTIN_RULE_NAMES } from './compile-rules.js'
export type { CompiledRules, CompiledPattern, Replacer } from './compile-rules.js'
export { fixedTime, expiryTime, isTimestamp, defaultVolatileValue } from './timestamps.js'
export { createCassetteRecorder } from './recorder.js'
export type { RawExchange, CassetteRecorder, CassetteRecorderOptions } from './recorder.js'
export type { NormalizationSummary } from './identifier-map.js'
export type { RawHeaders } from './normalize-http.js'
export { parseCassette, serializeCassette, inspectCassetteText, jsonPath, CASSETTE_SCHEMA } from './cassette-format.js'
export type { CassetteProblem, CassetteInspection } from './cassette-format.js'
export {
  loadCassetteFile,
  saveCassetteFile,
  createFileCassetteStore,
  toCassetteFilePath,
  checkCassetteName,
  listJsonFiles,
  MAX_CASSETTE_FILE_BYTES,
} from './store.js'
export type { CassetteStore, LoadCassetteOptions } from './store.js'
export { lintCassetteText, lintPath } from './lint.js'
export type { LintFinding, LintReport } from './lint.js'

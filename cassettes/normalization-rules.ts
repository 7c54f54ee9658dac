import { NORMALIZED_REQUEST_ID, type IdKind, type SecretKind } from './placeholders.js'
import { expiryTime, fixedTime } from './timestamps.js'

/**
 * Every normalization and redaction rule the recorder applies, in one place. The recorder and
 * `cloudtape lint` read these tables; users extend them through NormalizationOptions.
 */

/** What to do with the value of a field (a JSON key, an XML attribute, or an XML element's text). */
export type FieldAction = { readonly secret: SecretKind } | { readonly id: IdKind } | { readonly keep: true }

export interface FieldRule {
  /** JSON key, or XML attribute / element local name. */
  readonly name: string
  /** The enclosing JSON key (array indices skipped) or XML element, when the name alone is too broad. */
  readonly parent?: string
  readonly action: FieldAction
}

const secret = (name: string, kind: SecretKind, parent?: string): FieldRule =>
  parent === undefined ? { name, action: { secret: kind } } : { name, parent, action: { secret: kind } }
const id = (name: string, kind: IdKind, parents?: readonly string[]): FieldRule[] =>
  parents === undefined ? [{ name, action: { id: kind } }] : parents.map((parent) => ({ name, parent, action: { id: kind } }))
const keep = (name: string, parents?: readonly string[]): FieldRule[] =>
  parents === undefined ? [{ name, action: { keep: true } }] : parents.map((parent) => ({ name, parent, action: { keep: true } }))

/** Secrets by position: identity credentials and tokens (001 §1.3), adminPass (001 §2.1.2.1, §2.3), keypairs (003 §4.4.9). */
export const SECRET_FIELDS: readonly FieldRule[] = [
  secret('password', 'password'),
  secret('apiKey', 'apiKey'),
  secret('secretKey', 'apiKey'),
  secret('accessKey', 'apiKey'),
  secret('adminPass', 'adminPass'),
  secret('private_key', 'privateKey'),
  secret('id', 'token', 'token'),
  secret('contents', 'personality', 'personality'),
  secret('file', 'personality', 'personality'),
  secret('user_data', 'personality'),
  secret('auth_token', 'token'),
  secret('access_token', 'token'),
  secret('client_secret', 'secret'),
  secret('secret', 'secret'),
]

/** Identifiers by position; UUIDs and IP addresses are also mapped wherever they appear. */
export const ID_FIELDS: readonly FieldRule[] = [
  ...['tenant_id', 'tenantId', 'project_id', 'projectId', 'tenantName', 'target_tenant_id'].flatMap((name) => id(name, 'tenant')),
  ...id('id', 'tenant', ['tenant', 'project']),
  ...id('name', 'tenant', ['tenant', 'project']),
  ...['user_id', 'userId'].flatMap((name) => id(name, 'user')),
  ...id('id', 'user', ['user']),
  ...id('name', 'username', ['user']),
  ...id('username', 'username'),
  ...id('id', 'server', ['server', 'servers']),
  ...['serverId', 'server_id', 'instance_id', 'instance_uuid', 'instanceUuid', 'device_id'].flatMap((name) => id(name, 'server')),
  ...id('id', 'image', ['image', 'images']),
  ...['imageRef', 'imageId', 'image_id'].flatMap((name) => id(name, 'image')),
  ...id('id', 'volume', ['volume', 'volumes']),
  ...['volumeId', 'volume_id'].flatMap((name) => id(name, 'volume')),
  ...id('id', 'snapshot', ['snapshot', 'snapshots']),
  ...['snapshotId', 'snapshot_id'].flatMap((name) => id(name, 'snapshot')),
  ...id('id', 'attachment', ['volumeAttachment', 'volumeAttachments', 'attachment', 'attachments']),
  ...id('id', 'network', ['network', 'networks']),
  ...id('uuid', 'network', ['networks', 'network']),
  ...id('network_id', 'network'),
  ...['hostId', 'host_id'].flatMap((name) => id(name, 'hostId')),
]

/** Documented constants that stay as they are: flavor ids and role ids are the same for every account. */
export const KEPT_FIELDS: readonly FieldRule[] = [
  ...keep('id', ['flavor', 'flavors', 'role', 'roles']),
  ...keep('flavorRef'),
  ...keep('flavorId'),
  ...keep('flavor_id'),
]

/** Path parameters (operations.tsv template names) and what they hold. */
export const PARAM_KINDS: Readonly<Record<string, IdKind | 'keep'>> = {
  tenant_id: 'tenant',
  target_tenant_id: 'tenant',
  server_id: 'server',
  image_id: 'image',
  volume_id: 'volume',
  snapshot_id: 'snapshot',
  attachment_id: 'attachment',
  network_id: 'network',
  floating_ip_id: 'other',
  security_group_id: 'other',
  rule_id: 'other',
  interface_id: 'other',
  action_id: 'other',
  flavor_id: 'keep',
  volume_type_id: 'keep',
  key: 'keep',
  alias: 'keep',
  keypair_name: 'keep',
}

/** Headers whose whole value is a secret. */
export const SECRET_HEADERS: Readonly<Record<string, SecretKind>> = {
  'x-auth-token': 'token',
  'x-storage-token': 'token',
  'x-subject-token': 'token',
  authorization: 'token',
  'proxy-authorization': 'token',
  'x-auth-key': 'apiKey',
  'x-storage-pass': 'password',
  cookie: 'secret',
  'set-cookie': 'secret',
}

/** Headers that carry an identifier (001 §1.1 sends the tenant as X-Auth-Project-Id). */
export const ID_HEADERS: Readonly<Record<string, IdKind>> = {
  'x-auth-project-id': 'tenant',
  'x-project-id': 'tenant',
  'x-auth-user': 'username',
  'x-storage-user': 'username',
}

/** Request headers kept in a cassette; everything else (user-agent, host, content-length, ...) is dropped. */
export const KEPT_REQUEST_HEADERS: readonly string[] = [
  'accept',
  'content-type',
  'openstack-api-version',
  'x-openstack-nova-api-version',
  'if-match',
  'if-none-match',
  'x-auth-token',
  'x-auth-key',
  'x-auth-user',
  'x-auth-project-id',
  'x-storage-user',
  'x-storage-pass',
  'authorization',
]

/** Response headers kept in a cassette. `date` and the request ids are kept only as the volatile rules leave them. */
export const KEPT_RESPONSE_HEADERS: readonly string[] = [
  'content-type',
  'location',
  'retry-after',
  'vary',
  'allow',
  'www-authenticate',
  'openstack-api-version',
  'x-openstack-nova-api-version',
  'x-auth-token',
  'x-storage-token',
  'x-subject-token',
  'x-server-management-url',
  'x-storage-url',
  'x-cdn-management-url',
  'x-compute-request-id',
  'x-openstack-request-id',
  'x-request-id',
  'date',
]

/** Query parameters whose value is a secret. */
export const SECRET_QUERY_PARAMS: Readonly<Record<string, SecretKind>> = {
  token: 'token',
  auth_token: 'token',
  access_token: 'token',
  password: 'password',
  api_key: 'apiKey',
  apikey: 'apiKey',
  secret: 'secret',
}

/** Hosts of documentation, schemas and namespaces: not endpoints, never mapped. */
export const WELL_KNOWN_HOSTS: readonly string[] = [
  'docs.openstack.org',
  'docs.rackspace.com',
  'docs.rackspacecloud.com',
  'docs.hpcloud.com',
  'www.w3.org',
  'schemas.xmlsoap.org',
  'purl.org',
]

/** Shorter secrets are replaced where they sit but not searched for elsewhere: "abc" would hit everything. */
export const MIN_SCRUBBED_SECRET_LENGTH = 5
/** Shorter known ids (numeric, hex, words) are mapped where they sit but not searched for in free text. */
export const MIN_SCRUBBED_ID_LENGTH = 4

/** A value that is volatile: it changes on every recording without meaning anything to a client. */
export interface VolatileRule {
  /** Names a rule so `disable` can turn it off. */
  readonly name: string
  readonly headers?: readonly string[]
  readonly query?: readonly string[]
  /** `$.access.token.expires`, `$..updated`, `$.servers[*].created`. */
  readonly jsonPaths?: readonly string[]
  /** Local names: `/access/token/@expires`, `//@updated`, `//server/created`. */
  readonly xmlPaths?: readonly string[]
  /** Applied to every string: JSON and XML values, header and query values, text bodies. */
  readonly patterns?: readonly (RegExp | string)[]
  /**
   * What the value (or the pattern's match) becomes: a string (`$1` works for patterns), a
   * function, or null to drop a header or query parameter. Default: the normalized time, keeping
   * the format, when the value is a timestamp; otherwise "volatile".
   */
  readonly replace?: string | null | ((value: string) => string)
}

const TIMESTAMP_FIELDS = [
  'created',
  'updated',
  'created_at',
  'updated_at',
  'deleted_at',
  'launched_at',
  'terminated_at',
  'OS-SRV-USG:launched_at',
  'OS-SRV-USG:terminated_at',
  'audit_period_start',
  'audit_period_end',
  'retryAt',
  'issued_at',
]

/** The built-in volatile rules, by name; `NormalizationOptions.disable` turns any of them off. */
export const BUILTIN_VOLATILE_RULES: readonly VolatileRule[] = [
  { name: 'date-header', headers: ['date', 'last-modified', 'expires'], replace: null },
  { name: 'request-id-headers', headers: ['x-compute-request-id', 'x-openstack-request-id', 'x-request-id'], replace: NORMALIZED_REQUEST_ID },
  { name: 'token-expires', jsonPaths: ['$.access.token.expires'], xmlPaths: ['/access/token/@expires'], replace: expiryTime },
  {
    name: 'timestamps',
    jsonPaths: TIMESTAMP_FIELDS.map((field) => `$..${field}`),
    xmlPaths: TIMESTAMP_FIELDS.flatMap((field) => [`//@${field}`, `//${field}`]),
    replace: fixedTime,
  },
  { name: 'next-available', jsonPaths: ['$..next-available'], xmlPaths: ['//@next-available'], replace: fixedTime },
  { name: 'changes-since', query: ['changes-since'], replace: fixedTime },
]

/** How a user extends or trims the rules. Invalid options fail when the recorder is created. */
export interface NormalizationOptions {
  /** More volatile rules, applied after the built-in ones. */
  readonly volatile?: readonly VolatileRule[]
  /** Names of built-in volatile rules to turn off (see BUILTIN_VOLATILE_RULES). */
  readonly disable?: readonly string[]
  /** More headers whose value is a secret (kept, redacted). */
  readonly secretHeaders?: readonly string[]
  /** More JSON keys / XML attribute or element names whose value is a secret. */
  readonly secretFields?: readonly string[]
  /** More headers to keep (their values are still scrubbed). */
  readonly keepHeaders?: readonly string[]
}

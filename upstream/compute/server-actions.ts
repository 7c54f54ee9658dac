import type { ServerRecord } from '../compute-state.js'
import { ApiFault } from '../http/api-fault.js'
import { documentReply, emptyReply, type Reply } from '../http/reply.js'
import { isRecord } from '../is-record.js'
import { selfHref } from '../links.js'
import { startTransition, type ServerStatus } from '../server-lifecycle.js'
import { xml } from '../xml-writer.js'
import { assertActionAllowed } from './action-conflicts.js'
import { createSnapshot } from './images.js'
import { readMetadata } from './metadata-input.js'
import { bodyObject, findServer, optionalString, refId, requiredString, type ComputeHandler, type ComputeRequest } from './request.js'
import { checkFlavor, checkImage, checkPersonality, readDiskConfig } from './server-input.js'
import { serverReply } from './servers.js'

/** Starts the transition an action causes, taking `actionPolls` GETs to complete. */
function transition(request: ComputeRequest, server: ServerRecord, during: ServerStatus, then: ServerStatus, onDone?: () => void): void {
  startTransition(server, { during, then, polls: request.runtime.actionPolls, ...(onDone ? { onDone } : {}) }, request.runtime.clock.now())
}

/** 001 §2.3.2: ACTIVE → REBOOT → ACTIVE, or HARD_REBOOT for a hard one. */
const reboot: ComputeHandler = (request) => {
  const server = findServer(request)
  const type = optionalString(bodyObject(request, 'reboot'), 'type')?.toUpperCase() ?? 'SOFT'
  if (type !== 'SOFT' && type !== 'HARD') throw new ApiFault('badRequest', `Invalid reboot type ${JSON.stringify(type)}. Expected one of: SOFT, HARD.`)
  assertActionAllowed(request, server, 'reboot', ['ACTIVE', 'SHUTOFF'])
  transition(request, server, type === 'HARD' ? 'HARD_REBOOT' : 'REBOOT', 'ACTIVE')
  return emptyReply(202)
}

/** 001 §2.3.3: a new image (and optionally name, metadata, password); answers the server with adminPass. */
const rebuild: ComputeHandler = (request) => {
  const server = findServer(request)
  const body = bodyObject(request, 'rebuild')
  const imageId = checkImage(request, refId(requiredString(body, 'imageRef', 'an image reference')))
  const limits = request.runtime.profile.limits
  const metadata = body['metadata'] === undefined ? null : readMetadata(body['metadata'], limits.maxServerMeta, 'metadata')
  checkPersonality(body['personality'], limits.maxPersonality, limits.maxPersonalitySize)
  readDiskConfig(body, server.diskConfig)
  const name = optionalString(body, 'name')
  const adminPass = optionalString(body, 'adminPass') ?? request.runtime.random.stream('rebuild-password', server.seq).alphanumeric(12)
  assertActionAllowed(request, server, 'rebuild', ['ACTIVE', 'ERROR', 'SHUTOFF'])
  server.imageId = imageId
  if (name !== undefined && name !== '') server.name = name
  if (metadata) server.metadata = metadata
  server.accessIPv4 = optionalString(body, 'accessIPv4') ?? server.accessIPv4
  server.accessIPv6 = optionalString(body, 'accessIPv6') ?? server.accessIPv6
  server.fault = null
  transition(request, server, 'REBUILD', 'ACTIVE')
  const location = selfHref(request.region, request.runtime.account.tenantId, 'servers', server.id)
  return serverReply(request, server, 202, { adminPass, headers: { Location: location } })
}

/** 001 §2.3.4: ACTIVE → RESIZE → VERIFY_RESIZE, on the new flavor. */
const resize: ComputeHandler = (request) => {
  const server = findServer(request)
  const flavorId = checkFlavor(request, refId(requiredString(bodyObject(request, 'resize'), 'flavorRef', 'a flavor reference')))
  if (flavorId === server.flavorId) throw new ApiFault('badRequest', 'When resizing, instances must change flavor!')
  assertActionAllowed(request, server, 'resize', ['ACTIVE', 'SHUTOFF'])
  transition(request, server, 'RESIZE', 'VERIFY_RESIZE', () => {
    server.resizedFrom = server.flavorId
    server.flavorId = flavorId
  })
  return emptyReply(202)
}

/** 001 §2.3.5: VERIFY_RESIZE → ACTIVE at once; 204. */
const confirmResize: ComputeHandler = (request) => {
  const server = findServer(request)
  assertActionAllowed(request, server, 'confirmResize', ['VERIFY_RESIZE'])
  server.resizedFrom = null
  startTransition(server, { during: 'ACTIVE', then: 'ACTIVE', polls: 0 }, request.runtime.clock.now())
  return emptyReply(204)
}

/** 001 §2.3.6: VERIFY_RESIZE → REVERT_RESIZE → ACTIVE, back on the old flavor. */
const revertResize: ComputeHandler = (request) => {
  const server = findServer(request)
  assertActionAllowed(request, server, 'revertResize', ['VERIFY_RESIZE'])
  transition(request, server, 'REVERT_RESIZE', 'ACTIVE', () => {
    server.flavorId = server.resizedFrom ?? server.flavorId
    server.resizedFrom = null
  })
  return emptyReply(202)
}

/** 001 §2.3.1: ACTIVE → PASSWORD → ACTIVE. */
const changePassword: ComputeHandler = (request) => {
  const server = findServer(request)
  requiredString(bodyObject(request, 'changePassword'), 'adminPass', 'the new password')
  assertActionAllowed(request, server, 'changePassword', ['ACTIVE'])
  transition(request, server, 'PASSWORD', 'ACTIVE')
  return emptyReply(202)
}

/** 001 §2.3.9: a snapshot image in SAVING, its URL in Location; HP sends an empty text/html body. */
const createImage: ComputeHandler = (request) => {
  const server = findServer(request)
  const body = bodyObject(request, 'createImage')
  const name = requiredString(body, 'name', 'the image name')
  const metadata = readMetadata(body['metadata'], request.runtime.profile.limits.maxImageMeta, 'metadata')
  assertActionAllowed(request, server, 'createImage', ['ACTIVE', 'SHUTOFF'])
  const image = createSnapshot(request, server, name, metadata)
  const headers = { Location: selfHref(request.region, request.runtime.account.tenantId, 'images', image.id) }
  if (request.runtime.profile.dialect === 'hp') return { status: 202, headers, emptyContentType: 'text/html; charset=UTF-8' }
  return emptyReply(202, headers)
}

/** 001 §2.3.7, 003 §4.4.14.1: answers the rescue password; ACTIVE → PREP_RESCUE → RESCUE. */
const rescue: ComputeHandler = (request) => {
  const server = findServer(request)
  const body = isRecord(request.body) ? request.body['rescue'] : undefined
  const given = isRecord(body) ? optionalString(body, 'adminPass') : undefined
  assertActionAllowed(request, server, 'rescue', ['ACTIVE', 'SHUTOFF', 'ERROR'])
  const adminPass = given ?? request.runtime.random.stream('rescue-password', server.seq).alphanumeric(12)
  transition(request, server, 'PREP_RESCUE', 'RESCUE')
  return documentReply(200, { json: () => ({ adminPass }), xml: () => xml('adminPass', undefined, adminPass) })
}

/** 001 §2.3.8: RESCUE → PREP_UNRESCUE → ACTIVE; 202 with no body (200 for hp). */
const unrescue: ComputeHandler = (request) => {
  const server = findServer(request)
  assertActionAllowed(request, server, 'unrescue', ['RESCUE'])
  transition(request, server, 'PREP_UNRESCUE', 'ACTIVE')
  return emptyReply(request.runtime.profile.dialect === 'hp' ? 200 : 202)
}

function powerAction(action: string, from: ServerStatus, to: ServerStatus): ComputeHandler {
  return (request): Reply => {
    const server = findServer(request)
    assertActionAllowed(request, server, action, [from])
    transition(request, server, from, to)
    return emptyReply(202)
  }
}

/** Handlers of the servers.action.* operations. */
export const ACTION_HANDLERS: Readonly<Record<string, ComputeHandler>> = {
  'servers.action.reboot': reboot,
  'servers.action.rebuild': rebuild,
  'servers.action.resize': resize,
  'servers.action.confirmResize': confirmResize,
  'servers.action.revertResize': revertResize,
  'servers.action.changePassword': changePassword,
  'servers.action.createImage': createImage,
  'servers.action.rescue': rescue,
  'servers.action.unrescue': unrescue,
  // 003 §4.4.25: start and stop.
  'servers.action.os-stop': powerAction('os-stop', 'ACTIVE', 'SHUTOFF'),
  'servers.action.os-start': powerAction('os-start', 'SHUTOFF', 'ACTIVE'),
}

/**
 * The server state machine: statuses, the extended status (vm, task, power) each maps to
 * (001 Table 3.2), and transitions that complete after a number of GET polls.
 */
export const SERVER_STATUSES = [
  'BUILD',
  'ACTIVE',
  'REBOOT',
  'HARD_REBOOT',
  'REBUILD',
  'RESIZE',
  'VERIFY_RESIZE',
  'REVERT_RESIZE',
  'PASSWORD',
  'PREP_RESCUE',
  'RESCUE',
  'PREP_UNRESCUE',
  'SHUTOFF',
  'ERROR',
  'DELETED',
] as const
/** A server status (001 §2.1.1, Server Status Values). */
export type ServerStatus = (typeof SERVER_STATUSES)[number]

/** The OS-EXT-STS fields (001 §3.3). */
export interface ExtendedStatus {
  readonly vmState: string
  readonly taskState: string | null
  readonly powerState: number
}

const EXTENDED: Readonly<Record<ServerStatus, ExtendedStatus>> = {
  BUILD: { vmState: 'building', taskState: 'spawning', powerState: 0 },
  ACTIVE: { vmState: 'active', taskState: null, powerState: 1 },
  REBOOT: { vmState: 'active', taskState: 'rebooting', powerState: 1 },
  HARD_REBOOT: { vmState: 'active', taskState: 'rebooting_hard', powerState: 1 },
  REBUILD: { vmState: 'active', taskState: 'rebuild_spawning', powerState: 0 },
  RESIZE: { vmState: 'active', taskState: 'resize_migrating', powerState: 1 },
  VERIFY_RESIZE: { vmState: 'resized', taskState: null, powerState: 1 },
  REVERT_RESIZE: { vmState: 'resized', taskState: 'resize_reverting', powerState: 1 },
  PASSWORD: { vmState: 'active', taskState: 'updating_password', powerState: 1 },
  PREP_RESCUE: { vmState: 'active', taskState: 'rescuing', powerState: 1 },
  RESCUE: { vmState: 'rescued', taskState: null, powerState: 1 },
  PREP_UNRESCUE: { vmState: 'rescued', taskState: 'unrescuing', powerState: 1 },
  SHUTOFF: { vmState: 'stopped', taskState: null, powerState: 4 },
  ERROR: { vmState: 'error', taskState: null, powerState: 0 },
  DELETED: { vmState: 'deleted', taskState: null, powerState: 0 },
}

/** The OS-EXT-STS values of a status. */
export function extendedStatus(status: ServerStatus): ExtendedStatus {
  return EXTENDED[status]
}

/** A status the resource shows for `total` polls before it becomes `then`. */
export interface Transition<S extends string> {
  readonly during: S
  readonly then: S
  readonly total: number
  seen: number
  /** Runs when the transition completes (a resize changes the flavor, ...). */
  readonly onDone?: () => void
}

/** Anything that goes through transitions: servers and images. */
export interface Transitioning<S extends string> {
  status: S
  transition: Transition<S> | null
  updated: number
}

/**
 * Starts a transition: the resource shows `during` for `polls` GETs, then `then`. With no polls
 * it completes at once.
 */
export function startTransition<S extends string>(
  resource: Transitioning<S>,
  step: { during: S; then: S; polls: number; onDone?: () => void },
  now: number,
): void {
  resource.updated = now
  if (step.polls === 0) {
    resource.transition = null
    resource.status = step.then
    step.onDone?.()
    return
  }
  resource.status = step.during
  resource.transition = { during: step.during, then: step.then, total: step.polls, seen: 0, ...(step.onDone ? { onDone: step.onDone } : {}) }
}

/**
 * Counts one GET poll: the first `total` polls see the transitional status, the next one the
 * final status (the transition completes just before it is shown).
 */
export function observePoll<S extends string>(resource: Transitioning<S>, now: number): void {
  const transition = resource.transition
  if (!transition) return
  if (transition.seen < transition.total) {
    transition.seen += 1
    return
  }
  resource.transition = null
  resource.status = transition.then
  resource.updated = now
  transition.onDone?.()
}

/** Progress of a transition as a percentage, growing with the polls seen; null when none runs. */
export function transitionProgress(resource: Transitioning<string>): number | null {
  const transition = resource.transition
  if (!transition) return null
  return Math.floor((100 * transition.seen) / (transition.total + 1))
}

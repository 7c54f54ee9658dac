import { describe, expect, test } from 'vitest'
import { BatchQueue } from '../../proxy/batch-queue.js'

describe('BatchQueue', () => {
  test('runs a batch in order once it is full', () => {
    const ran: number[] = []
    const queue = new BatchQueue<number>((item) => ran.push(item), { delayMs: 60_000, maxItems: 3 })
    queue.push(1)
    queue.push(2)
    expect(ran).toEqual([])
    queue.push(3)
    expect(ran).toEqual([1, 2, 3])
  })

  test('runs what is queued after the delay, or at once when drained', async () => {
    const ran: number[] = []
    const queue = new BatchQueue<number>((item) => ran.push(item), { delayMs: 5, maxItems: 100 })
    queue.push(1)
    await expect.poll(() => ran).toEqual([1])
    queue.push(2)
    queue.drain()
    expect(ran).toEqual([1, 2])
  })
})

/** TurnBatch with a recording write function (no database): what shares a batch and how results and errors reach callers. */
import { TurnBatch } from './turn-batch';

it('writes the items of one turn together, in batches of at most maxBatch, each caller getting its own result', async () => {
  const batches: number[][] = [];
  const batch = new TurnBatch<number, string>(async (items) => {
    batches.push(items);
    return items.map((n) => (n === 3 ? new Error('three refused') : `#${n}`));
  }, 4);
  const results = await Promise.allSettled([1, 2, 3, 4, 5, 6].map((n) => batch.add(n)));
  expect(batches).toEqual([
    [1, 2, 3, 4],
    [5, 6],
  ]);
  expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual(['#1', '#2', 'three refused', '#4', '#5', '#6']);
  await batch.add(7);
  expect(batches).toHaveLength(3); // a later turn is a new batch
});

it('fails every caller of a batch whose write throws', async () => {
  const batch = new TurnBatch<number, number>(async () => {
    throw new Error('insert failed');
  }, 10);
  const results = await Promise.allSettled([batch.add(1), batch.add(2)]);
  expect(results.every((r) => r.status === 'rejected' && (r.reason as Error).message === 'insert failed')).toBe(true);
});

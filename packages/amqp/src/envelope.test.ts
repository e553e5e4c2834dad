import { JobExecute } from '@oca/contracts';
import { newEnvelope } from './envelope';

describe('newEnvelope', () => {
  it('builds a valid v1 envelope with a fresh id', () => {
    const ids = { jobId: '7f1c6a52-36a4-4a55-9d8b-0f0a7e1c9b10', correlationId: 'req-1' };
    const payload = { agent: 'market', params: {}, priority: 4, userId: '0b7a2a39-6a3f-4c43-8f0b-9a3a4d1f7e22' };
    const a = newEnvelope('job.execute', payload, ids);
    const b = newEnvelope('job.execute', payload, ids);
    expect(JobExecute.parse(a)).toEqual(a);
    expect(a.id).not.toBe(b.id);
    expect(a).toMatchObject({ v: 1, type: 'job.execute', ...ids });
  });
});

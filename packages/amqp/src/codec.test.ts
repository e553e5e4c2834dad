import { HEADERS } from '@oca/contracts';
import { assertKnownExchange, encode, propertiesFor } from './codec';
import { newEnvelope } from './envelope';
import { MessageValidationError } from './errors';

const job = () =>
  newEnvelope(
    'job.started',
    { startedAt: new Date().toISOString(), worker: 'w1' },
    { jobId: '7f1c6a52-36a4-4a55-9d8b-0f0a7e1c9b10', correlationId: 'req-1' },
  );

describe('codec', () => {
  it('puts envelope ids into persistent AMQP properties; envelope headers win', () => {
    const message = job();
    const props = propertiesFor(message, { priority: 7, headers: { [HEADERS.correlationId]: 'spoofed', extra: 1 } });
    expect(props).toMatchObject({
      persistent: true,
      messageId: message.id,
      type: 'job.started',
      contentType: 'application/json',
      priority: 7,
      headers: { [HEADERS.correlationId]: 'req-1', [HEADERS.jobId]: message.jobId, extra: 1 },
    });
    expect(propertiesFor({ ...message, jobId: null }).headers).not.toHaveProperty(HEADERS.jobId);
  });

  it('validates against MESSAGE_CATALOG before encoding', () => {
    expect(JSON.parse(encode(job()).toString())).toMatchObject({ type: 'job.started' });
    expect(() => encode({ ...job(), payload: { worker: 1 } })).toThrow(MessageValidationError);
    expect(() => encode({ ...job(), type: 'nope' as 'job.started' })).toThrow(MessageValidationError);
  });

  it('only allows the contracts exchanges', () => {
    expect(() => assertKnownExchange('oca.jobs')).not.toThrow();
    expect(() => assertKnownExchange('amq.direct')).toThrow(/unknown exchange/);
  });
});

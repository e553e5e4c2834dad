import type { Finding } from '@oca/contracts';
import { scoreFindings, sortFindings } from './score';

const f = (severity: Finding['severity']): Finding => ({ severity, title: severity, evidence: '' });

describe('scoreFindings', () => {
  it('is 100 and SAFE with nothing above info', () => {
    expect(scoreFindings([])).toEqual({ score: 100, verdict: 'SAFE' });
    expect(scoreFindings([f('info'), f('info')])).toEqual({ score: 100, verdict: 'SAFE' });
  });

  it('subtracts per finding and caps by the worst severity', () => {
    expect(scoreFindings([f('low'), f('low')])).toEqual({ score: 94, verdict: 'SAFE' });
    expect(scoreFindings([f('medium')])).toEqual({ score: 80, verdict: 'WARNING' });
    expect(scoreFindings([f('medium'), f('medium'), f('medium')])).toEqual({ score: 76, verdict: 'WARNING' });
    expect(scoreFindings([f('high'), f('medium')])).toEqual({ score: 50, verdict: 'DANGER' });
    expect(scoreFindings([f('high'), f('high'), f('high')])).toEqual({ score: 40, verdict: 'DANGER' });
    expect(scoreFindings([f('critical')])).toEqual({ score: 20, verdict: 'CRITICAL' });
  });

  it('never goes below 0', () => {
    expect(scoreFindings([f('critical'), f('critical'), f('critical')]).score).toBe(0);
  });

  it('orders findings worst first, stable within a severity', () => {
    const a = { ...f('low'), title: 'a' };
    const b = { ...f('low'), title: 'b' };
    expect(sortFindings([a, f('critical'), b, f('info')]).map((x) => x.title)).toEqual(['critical', 'a', 'b', 'info']);
  });
});

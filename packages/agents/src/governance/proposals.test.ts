import { stateName, titleOf } from './proposals';

describe('proposal helpers', () => {
  it('maps the shared state enum and refuses anything else', () => {
    expect(stateName(0)).toBe('Pending');
    expect(stateName(7)).toBe('Executed');
    expect(() => stateName(8)).toThrow('unknown proposal state: 8');
    expect(() => stateName(null)).toThrow('unknown proposal state: null');
  });

  it('titles: the first non-empty line without heading marks, cut to 200 characters', () => {
    expect(titleOf('\n## Fund the grants program\nDetails')).toBe('Fund the grants program');
    expect(titleOf('')).toBe('');
    expect(titleOf('x'.repeat(300))).toHaveLength(200);
  });
});

import { AGENT_CATALOG, AGENT_NAMES } from '@oca/contracts';
import { addressAgent } from './address/address.agent';
import { AGENTS, getAgent } from './registry';

describe('agent registry', () => {
  it('has one agent per catalog entry, with the catalog schemas', () => {
    expect(Object.keys(AGENTS).sort()).toEqual([...AGENT_NAMES].sort());
    for (const name of AGENT_NAMES) {
      expect(AGENTS[name].name).toBe(name);
      expect(AGENTS[name].params).toBe(AGENT_CATALOG[name].params);
      expect(AGENTS[name].result).toBe(AGENT_CATALOG[name].result);
    }
  });

  it('getAgent finds by name and returns undefined for unknown names', () => {
    expect(getAgent('address')).toBe(addressAgent);
    expect(getAgent('nope')).toBeUndefined();
    expect(getAgent('toString')).toBeUndefined();
  });
});

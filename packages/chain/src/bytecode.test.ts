import { getAddress, type Hex } from 'viem';
import { decodeInstructions, metadataLength, minimalProxyImplementation, OPCODES, scanBytecode } from './bytecode';

/** A solc-style metadata trailer: CBOR map `a2 64 'ipfs' 58 22 <34 bytes>` + 2-byte length. */
const METADATA = `a2646970667358221220${'ff'.repeat(32)}64736f6c634300081a0033`;

describe('decodeInstructions', () => {
  it('steps over PUSH data, so pushed 0xff / 0xf4 bytes are not opcodes', () => {
    // PUSH2 0xfff4, PUSH1 0xff, POP, POP, STOP
    const scan = scanBytecode('0x61fff460ff505000');
    expect(scan.opcodes.has(OPCODES.SELFDESTRUCT)).toBe(false);
    expect(scan.opcodes.has(OPCODES.DELEGATECALL)).toBe(false);
    expect(decodeInstructions('0x61fff460ff505000').map((i) => i.pc)).toEqual([0, 3, 5, 6, 7]);
  });

  it('finds real SELFDESTRUCT and DELEGATECALL instructions', () => {
    // PUSH1 0 DUP1 ... DELEGATECALL, then JUMPDEST CALLER SELFDESTRUCT
    const scan = scanBytecode('0x6000808080805af4005b33ff');
    expect(scan.opcodes.has(OPCODES.DELEGATECALL)).toBe(true);
    expect(scan.opcodes.has(OPCODES.SELFDESTRUCT)).toBe(true);
  });

  it('ignores the CBOR metadata trailer even though it holds 0xff bytes', () => {
    const code = `0x6080604052600080fd${METADATA}` as Hex;
    expect(metadataLength(Buffer.from(code.slice(2), 'hex'))).toBe(METADATA.length / 2);
    expect(scanBytecode(code).opcodes.has(OPCODES.SELFDESTRUCT)).toBe(false);
    expect(scanBytecode(code).codeSize).toBe(9);
  });

  it('treats bytes after a terminator as data until the next JUMPDEST', () => {
    // STOP, then data f4 ff (unreachable), then JUMPDEST STOP
    expect(scanBytecode('0x00f4ff5b00').opcodes).toEqual(new Set([OPCODES.STOP, OPCODES.JUMPDEST]));
    // ...but after a JUMPDEST the same bytes are code.
    expect(scanBytecode('0x005bf4').opcodes.has(OPCODES.DELEGATECALL)).toBe(true);
  });

  it('tolerates a PUSH cut short by the end of the code', () => {
    const [push] = decodeInstructions('0x63aabb');
    expect(push?.push).toEqual(new Uint8Array([0xaa, 0xbb]));
  });
});

describe('selectors', () => {
  it('collects values the dispatcher compares (solc and vyper shapes), left-padded', () => {
    // DUP1 PUSH4 a9059cbb EQ; DUP1 PUSH3 fdd58e EQ; PUSH4 40c10f19 DUP2 XOR; PUSH1 20 (not compared)
    const scan = scanBytecode('0x8063a9059cbb148062fdd58e146340c10f19811860205000');
    expect([...scan.selectors].sort()).toEqual(['0x00fdd58e', '0x40c10f19', '0xa9059cbb']);
  });

  it('leaves out selectors pushed to call another contract', () => {
    // PUSH4 40c10f19 PUSH1 e0 SHL (building calldata for an external mint), STOP
    expect(scanBytecode('0x6340c10f1960e01b00').selectors.size).toBe(0);
  });

  it('does not read a selector hidden in PUSH32 data', () => {
    expect(scanBytecode(`0x7f${'a9059cbb'.repeat(8)}5000`).selectors.size).toBe(0);
  });
});

describe('minimalProxyImplementation', () => {
  const impl = getAddress('0xbebebebebebebebebebebebebebebebebebebebe');
  it('reads an EIP-1167 clone and nothing else', () => {
    const clone = `0x363d3d373d3d3d363d73${impl.slice(2)}5af43d82803e903d91602b57fd5bf3` as Hex;
    expect(minimalProxyImplementation(clone)).toBe(impl.toLowerCase());
    expect(minimalProxyImplementation(`${clone}00`)).toBeNull();
    expect(minimalProxyImplementation('0x6080')).toBeNull();
  });
});

import { bytesToHex, hexToBytes, type Hex } from 'viem';

/** Opcodes the analysers look for; the full table is not needed to walk code, only PUSH widths. */
export const OPCODES = {
  STOP: 0x00,
  GT: 0x11,
  EQ: 0x14,
  XOR: 0x18,
  JUMP: 0x56,
  JUMPDEST: 0x5b,
  PUSH1: 0x60,
  PUSH4: 0x63,
  PUSH32: 0x7f,
  DUP1: 0x80,
  DUP16: 0x8f,
  CALL: 0xf1,
  CALLCODE: 0xf2,
  RETURN: 0xf3,
  DELEGATECALL: 0xf4,
  STATICCALL: 0xfa,
  REVERT: 0xfd,
  INVALID: 0xfe,
  SELFDESTRUCT: 0xff,
} as const;

/** One decoded instruction: its offset, opcode and, for PUSH1–PUSH32, the pushed bytes. */
export interface Instruction {
  pc: number;
  opcode: number;
  /** Immediate data of a PUSH (may be shorter than the PUSH width when the code ends early). */
  push?: Uint8Array;
}

/** Opcodes after which execution never falls through to the next byte. */
const TERMINATORS: ReadonlySet<number> = new Set([
  OPCODES.STOP,
  OPCODES.JUMP,
  OPCODES.RETURN,
  OPCODES.REVERT,
  OPCODES.INVALID,
  OPCODES.SELFDESTRUCT,
]);

const toBytes = (code: Hex | Uint8Array): Uint8Array => (typeof code === 'string' ? hexToBytes(code) : code);

/**
 * Length of the CBOR metadata trailer solc and vyper append to runtime code (its length is the
 * last two bytes, big-endian, and it starts with a CBOR map header 0xa1–0xa5); 0 when absent.
 * Its bytes are a hash and a version, never code, and often contain 0xff or 0xf4.
 */
export function metadataLength(code: Uint8Array): number {
  if (code.length < 2) return 0;
  const cbor = (code[code.length - 2]! << 8) | code[code.length - 1]!;
  const start = code.length - 2 - cbor;
  if (cbor === 0 || start < 0) return 0;
  const header = code[start]!;
  return header >= 0xa1 && header <= 0xa5 ? cbor + 2 : 0;
}

/**
 * Decodes EVM bytecode into instructions by a linear sweep, stepping over PUSH immediates so a
 * pushed constant (a selector, a mask, an address) is never read as an opcode. The metadata
 * trailer is dropped. Bytes after a terminating opcode (STOP, JUMP, RETURN, REVERT, INVALID,
 * SELFDESTRUCT) up to the next JUMPDEST cannot be reached — no jump may land there — so they are
 * data (solc's constant tables, revert strings) and are skipped.
 *
 * Limitation: code embedded as data behind a JUMPDEST (a factory's `creationCode` of another
 * contract) still reads as code; without symbolic execution a linear sweep cannot tell.
 */
export function decodeInstructions(code: Hex | Uint8Array): Instruction[] {
  const bytes = toBytes(code);
  const end = bytes.length - metadataLength(bytes);
  const out: Instruction[] = [];
  let reachable = true;
  for (let pc = 0; pc < end; ) {
    const opcode = bytes[pc]!;
    const width = opcode >= OPCODES.PUSH1 && opcode <= OPCODES.PUSH32 ? opcode - OPCODES.PUSH1 + 1 : 0;
    if (opcode === OPCODES.JUMPDEST) reachable = true;
    if (reachable) {
      out.push(width > 0 ? { pc, opcode, push: bytes.subarray(pc + 1, Math.min(pc + 1 + width, end)) } : { pc, opcode });
      if (TERMINATORS.has(opcode)) reachable = false;
      pc += 1 + width;
    } else {
      // Dead bytes have no instruction boundaries to respect: look at each for the next JUMPDEST.
      pc += 1;
    }
  }
  return out;
}

/** What bytecode analysis needs from one contract's code. */
export interface BytecodeScan {
  /** Every reachable opcode. */
  opcodes: ReadonlySet<number>;
  /**
   * Function selectors the dispatcher compares calldata against: a PUSH of at most 4 bytes whose
   * value is then compared by EQ or XOR (directly, or after one DUP), as solc (`DUP1 PUSH4 sel EQ`)
   * and vyper (`PUSH4 sel DUP2 XOR`) emit it. A selector pushed to *call* another contract
   * (`PUSH4 sel PUSH1 0xe0 SHL`) is not one of this contract's functions and is left out.
   * solc drops leading zero bytes (selector 0x00fdd58e is a PUSH3), so values are left-padded.
   * Lower-case 0x-prefixed 4-byte hex.
   */
  selectors: ReadonlySet<Hex>;
  /** Code size without the metadata trailer. */
  codeSize: number;
}

export function scanBytecode(code: Hex | Uint8Array): BytecodeScan {
  const bytes = toBytes(code);
  const instructions = decodeInstructions(bytes);
  const opcodes = new Set<number>();
  const selectors = new Set<Hex>();
  for (const [i, ins] of instructions.entries()) {
    opcodes.add(ins.opcode);
    if (!ins.push || ins.opcode - OPCODES.PUSH1 + 1 > 4 || !isCompared(instructions, i + 1)) continue;
    const word = new Uint8Array(4);
    word.set(ins.push, 4 - ins.push.length);
    selectors.add(bytesToHex(word));
  }
  return { opcodes, selectors, codeSize: bytes.length - metadataLength(bytes) };
}

const isComparison = (opcode: number | undefined) => opcode === OPCODES.EQ || opcode === OPCODES.XOR;
const isDup = (opcode: number | undefined) => opcode !== undefined && opcode >= OPCODES.DUP1 && opcode <= OPCODES.DUP16;

function isCompared(instructions: Instruction[], next: number): boolean {
  const op = instructions[next]?.opcode;
  return isComparison(op) || (isDup(op) && isComparison(instructions[next + 1]?.opcode));
}

/**
 * EIP-1167 minimal proxy: `363d3d373d3d3d363d73 ‖ implementation ‖ 5af43d82803e903d91602b57fd5bf3`.
 * Returns the implementation (lower-case), or null when the code is anything else.
 */
export function minimalProxyImplementation(code: Hex): Hex | null {
  const match = /^0x363d3d373d3d3d363d73([0-9a-f]{40})5af43d82803e903d91602b57fd5bf3$/i.exec(code);
  return match ? (`0x${match[1]!.toLowerCase()}` as Hex) : null;
}

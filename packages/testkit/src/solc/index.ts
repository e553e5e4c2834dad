export { compileSolidity, compileSolidityWithSource, type CompiledContract, type CompileOptions } from './compile';

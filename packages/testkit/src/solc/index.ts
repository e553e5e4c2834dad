export { compileSolidity, type CompiledContract, type CompileOptions } from './compile';

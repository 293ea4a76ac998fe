export * from './porcupine.js';
export * from './jepsen-edn.js';
export * from './detect.js';
export * from './load.js';
export {readEdn, readEdnAll, readEdnAllLocated, Keyword, EdnSymbol, EdnSyntaxError, ednToPlain, LineIndex} from './edn.js';
export type {EdnValue, EdnMap} from './edn.js';

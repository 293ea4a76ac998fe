export * from './porcupine.js';
export * from './jepsen-edn.js';
export {readEdn, readEdnAll, Keyword, EdnSymbol, EdnSyntaxError, ednToPlain} from './edn.js';
export type {EdnValue, EdnMap} from './edn.js';

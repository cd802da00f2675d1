import * as yaml from 'yaml';

/**
 * The yaml package's node tests, read from the package once. The bundles reach a CommonJS package's exports through
 * an object of getters (esbuild's interop), so a test imported from 'yaml' runs a getter on every call; the engine
 * calls these for every node of every document, where the getter cost more than the test (eslint.config.mjs holds
 * the engine to this module).
 */
export const { isAlias, isCollection, isMap, isNode, isPair, isScalar, isSeq } = yaml;

/** Test kit for adapter authors: the contract suite and its fixture types. Import from vitest files only. */
export * from './adapter-fixtures.js';
export * from './describe-adapter-contract.js';

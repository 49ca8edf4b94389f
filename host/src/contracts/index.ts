/**
 * ODCS v3.0.2 data contracts: load and validate a contract, resolve its objects to Arrow schemas,
 * check batches against them.
 */
export type { ContractField, ContractObject, DataContract, LogicalType } from './model.js';
export { loadContract, parseContract, contractObjectFor } from './load-contract.js';
export { arrowTypeFor, describeType, TIMESTAMP_TYPE } from './arrow-types.js';
export { validateBatch, lenientSchema, DEFAULT_MAX_ISSUES } from './validate-batch.js';
export type { ValidateOptions, ValidationMode, ValidationResult } from './validate-batch.js';
export { jsonLinesToBatch } from './json-lines.js';
export type { JsonLinesOptions } from './json-lines.js';
export { DataValidationError, describeIssue } from './errors.js';
export type { ValidationIssue, ValidationIssueKind } from './errors.js';
export { odcsSchema } from './odcs-schema.js';

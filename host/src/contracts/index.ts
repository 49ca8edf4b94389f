/**
 * ODCS v3.0.2 data contracts: load and validate a contract, resolve its objects to Arrow schemas,
 * check batches against them, and enforce their data quality rules (rules/).
 */
export type { ContractField, ContractObject, DataContract, LogicalType } from './model.js';
export { loadContract, parseContract, contractObjectFor } from './load-contract.js';
export { arrowTypeFor, describeType, TIMESTAMP_TYPE } from './arrow-types.js';
export { validateBatch, lenientSchema, DEFAULT_MAX_ISSUES } from './validate-batch.js';
export type { ValidateOptions, ValidationMode, ValidationResult } from './validate-batch.js';
export { StreamValidator } from './stream-validator.js';
export type { InvalidRows, StreamValidatorOptions, StreamValidationSummary, ValidatedBatch } from './stream-validator.js';
export { jsonLinesToBatch } from './json-lines.js';
export type { JsonLinesOptions } from './json-lines.js';
export { DataQualityError, DataValidationError, describeIssue } from './errors.js';
export type { ValidationIssue, ValidationIssueKind } from './errors.js';
export { odcsSchema } from './odcs-schema.js';
export { StreamRules, RowFailures, splitRejected, rejectedSchema, describeNotEnforced, DEFAULT_MAX_KEYS, REJECTED_COLUMNS } from './rules/index.js';
export type { NotEnforced, ObjectRules, RowFailure, RunRuleResult, SplitBatch, StreamRulesOptions } from './rules/index.js';

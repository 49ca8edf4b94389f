import { HostError, type HostErrorOptions } from '../../errors/index.js';

/**
 * The Iceberg target refused or failed. Codes:
 *   ICEBERG_SCHEMA_INCOMPATIBLE  the contract cannot be written into the table's schema
 *                                (a type change, a new required column, a required column dropped)
 *   ICEBERG_PARTITION_MISMATCH   the job's partitioning differs from the table's partition spec
 *   ICEBERG_NOT_SUPPORTED        a job setting the Iceberg target does not do (docs/iceberg.md)
 *   ICEBERG_CATALOG_AUTH         the catalog refused the credentials (401/403) or the token request
 *   ICEBERG_CATALOG_UNAVAILABLE  the catalog did not answer, or answered 5xx (retryable)
 *   ICEBERG_CATALOG_REFUSED      the catalog refused a request (4xx)
 *   ICEBERG_COMMIT_CONFLICT      the table kept changing under the commit (409) past the retries
 *   ICEBERG_METADATA_INVALID     a manifest list or table metadata the host cannot use
 */
export class IcebergTargetError extends HostError {
  constructor(code: string, message: string, opts?: HostErrorOptions) {
    super(code, 'host', message, opts);
  }
}

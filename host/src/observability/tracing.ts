/**
 * OpenTelemetry traces: spans through the global API (a no-op until a tracer provider is
 * registered, by `startTracing` in the CLI or by an embedding application), and the SDK
 * set up from the standard OTEL_* variables, exporting OTLP over HTTP (JSON).
 */
import { context, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import { ConfigError } from '../errors/index.js';

const tracer = () => trace.getTracer('dativo-host');

/** Runs `fn` in a new active span (a child of the active one), ended when `fn` settles. */
export function withSpan<T>(name: string, attributes: Attributes, fn: (span: Span) => Promise<T>): Promise<T> {
  return tracer().startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (e) {
      failed(span, e);
      throw e;
    } finally {
      span.end();
    }
  });
}

/**
 * A span for an operation that starts now under the active span, without making it the
 * active one (a plugin call: nothing runs inside it on this thread). End it with `end`.
 */
export function startSpan(name: string, attributes: Attributes): Span {
  return tracer().startSpan(name, { attributes }, context.active());
}

export function endSpan(span: Span, error?: unknown): void {
  if (error !== undefined) failed(span, error);
  span.end();
}

function failed(span: Span, e: unknown): void {
  const code = (e as { code?: unknown })?.code;
  if (typeof code === 'string') span.setAttribute('dativo.error.code', code);
  span.setStatus({ code: SpanStatusCode.ERROR, message: String((e as Error)?.message ?? e).slice(0, 500) });
}

/** The active span's trace id, for log lines; none when no span is recorded. */
export function traceFields(): { trace_id?: string } {
  const ctx = trace.getActiveSpan()?.spanContext();
  return ctx && trace.isSpanContextValid(ctx) ? { trace_id: ctx.traceId } : {};
}

export interface Tracing {
  /** Exports what is left and stops. */
  shutdown(): Promise<void>;
}

const ENDPOINT_VARS = ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'];

/**
 * Tracing is on when an OTLP endpoint or OTEL_TRACES_EXPORTER is set, and neither
 * OTEL_SDK_DISABLED=true nor OTEL_TRACES_EXPORTER=none says otherwise.
 */
export function tracingWanted(env: NodeJS.ProcessEnv): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  const exporter = env.OTEL_TRACES_EXPORTER?.trim();
  if (exporter === 'none') return false;
  return Boolean(exporter) || ENDPOINT_VARS.some((v) => Boolean(env[v]));
}

/** Registers a tracer provider exporting to OTLP/HTTP (or the console), or undefined when tracing is off. */
export async function startTracing(env: NodeJS.ProcessEnv = process.env): Promise<Tracing | undefined> {
  if (!tracingWanted(env)) return undefined;
  const exporterName = env.OTEL_TRACES_EXPORTER?.trim() || 'otlp';
  if (exporterName !== 'otlp' && exporterName !== 'console') {
    throw new ConfigError('CONFIG_INVALID', `OTEL_TRACES_EXPORTER=${exporterName}: dativo-host exports traces with otlp or console`, {
      details: { key: 'OTEL_TRACES_EXPORTER' },
    });
  }
  const protocol = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL)?.trim();
  if (exporterName === 'otlp' && protocol && protocol !== 'http/json') {
    throw new ConfigError('CONFIG_INVALID', `OTEL_EXPORTER_OTLP_PROTOCOL=${protocol}: dativo-host sends OTLP traces as http/json`, {
      details: { key: 'OTEL_EXPORTER_OTLP_PROTOCOL' },
    });
  }
  // Loaded only when tracing is on (the SDK costs start-up time otherwise spent for nothing).
  const [sdk, hooks, otlp, resources] = await Promise.all([
    import('@opentelemetry/sdk-trace'),
    import('@opentelemetry/context-async-hooks'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
  ]);
  // The exporter reads OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT, _HEADERS and _TIMEOUT itself.
  const exporter = exporterName === 'console' ? new sdk.ConsoleSpanExporter() : new otlp.OTLPTraceExporter();
  const resource = resources
    .resourceFromAttributes({ 'service.name': 'dativo-host' })
    .merge(resources.detectResources({ detectors: [resources.envDetector] })); // OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES
  const provider = new sdk.TracerProvider({ resource, spanProcessors: [new sdk.BatchSpanProcessor({ exporter })] });
  context.setGlobalContextManager(new hooks.AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
  return {
    async shutdown() {
      await provider.shutdown();
      trace.disable();
      context.disable();
    },
  };
}

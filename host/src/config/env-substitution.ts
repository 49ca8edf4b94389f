import { ConfigError } from '../errors/index.js';

const PATTERN = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Replaces ${VAR} and ${VAR:-default} in every string value (never in keys).
 * An unset variable without a default is an error naming the file, the key and the variable.
 */
export function substituteEnv(value: unknown, env: NodeJS.ProcessEnv, file: string, path: (string | number)[] = []): unknown {
  if (typeof value === 'string') {
    return value.replace(PATTERN, (_, name: string, fallback: string | undefined) => {
      const v = env[name] ?? fallback;
      if (v === undefined) {
        const key = path.join('.') || '(top level)';
        throw new ConfigError('CONFIG_ENV_MISSING', `${file}: ${key}: environment variable ${name} is not set (write \${${name}:-default} for a default)`, {
          details: { file, key, variable: name },
        });
      }
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => substituteEnv(v, env, file, [...path, i]));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteEnv(v, env, file, [...path, k])]));
  }
  return value;
}

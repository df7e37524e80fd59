// The workflow bundler's logger for tests and benchmarks: warnings and errors only.
export const quietBundlerLogger = {
  trace() {},
  debug() {},
  info() {},
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
  log() {},
};

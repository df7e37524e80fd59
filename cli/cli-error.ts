// A mistake the operator can fix (bad flag, unknown tenant, duplicate number). main.ts prints its
// message as {"error": …} and exits 1.
export class CliError extends Error {
  override name = 'CliError';
}

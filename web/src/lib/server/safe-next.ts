/** Where to go after signing in: only a path of this site (no `//evil.example`, no absolute URLs). */
export function safeNext(value: string | null | undefined): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/conversations';
  if (value.startsWith('/login') || value.startsWith('/logout')) return '/conversations';
  return value;
}

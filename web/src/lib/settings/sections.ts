// The settings navigation: one entry per section, each its own page under /settings/<id>. /settings
// opens the first. A section is listed only once its page exists (no "coming soon" pages).
export interface SettingsSection {
  id: string;
  label: string;
  href: string;
}

export const settingsSections: readonly SettingsSection[] = [
  { id: 'servicetitan', label: 'ServiceTitan', href: '/settings/servicetitan' },
  { id: 'twilio', label: 'Twilio & numbers', href: '/settings/twilio' },
  { id: 'assistants', label: 'Assistants', href: '/settings/assistants' },
  { id: 'users', label: 'Users', href: '/settings/users' },
  { id: 'booking-health', label: 'Booking health', href: '/settings/booking-health' },
  // Contacts and Campaigns are pages of their own (/contacts, /campaigns), linked from the header.
];

/** The section a path belongs to, if any. */
export function sectionOf(pathname: string): SettingsSection | undefined {
  return settingsSections.find((s) => pathname === s.href || pathname.startsWith(`${s.href}/`));
}

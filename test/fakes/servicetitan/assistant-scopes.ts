// The scopes of the assistant's endpoints, granted by default like the bookings ones.
export const assistantScopes = [
  'tn.crm.customers:w',
  'tn.crm.locations:r',
  'tn.jpm.jobs:r',
  'tn.jpm.jobs:w',
  'tn.jpm.appointments:r',
  'tn.dis.capacity:w',
  'tn.dis.appointmentassignments:r',
  'tn.dis.techniciantracking:r',
] as const;

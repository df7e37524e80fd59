// The demo ServiceTitan tenant the stand-alone fake (and `npm start` without real credentials) uses.
// These are fake credentials for the fake server only.
export const demoServiceTitanTenant = {
  tenantId: '1234567',
  clientId: 'cid.demo-intellisend',
  clientSecret: 'cs1.demo-secret-not-real',
  appKey: 'ak1.demo-app-key-not-real',
  bookingProvider: { id: 77, name: 'IntelliSend' },
} as const;

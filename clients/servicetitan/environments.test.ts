import { describe, expect, it } from 'vitest';
import { urlsFor } from './environments.ts';

describe('urlsFor', () => {
  it('gives the token URL and API host of each environment', () => {
    expect(urlsFor('production')).toEqual({
      authUrl: 'https://auth.servicetitan.io/connect/token',
      apiBaseUrl: 'https://api.servicetitan.io',
    });
    expect(urlsFor('integration')).toEqual({
      authUrl: 'https://auth-integration.servicetitan.io/connect/token',
      apiBaseUrl: 'https://api-integration.servicetitan.io',
    });
  });
});

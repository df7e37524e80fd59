// The twilio SDK builds absolute URLs on https://api.twilio.com (with edge/region folded into the
// host name). To send through another base (our fake Twilio, a proxy), this request client swaps
// that origin for ours just before the request leaves, after the SDK has finished with the URL.
import twilio from 'twilio';

type RequestOptions = Parameters<InstanceType<typeof twilio.RequestClient>['request']>[0];
type RequestClientOptions = ConstructorParameters<typeof twilio.RequestClient>[0];

export const defaultTwilioApiBaseUrl = 'https://api.twilio.com';
const twilioApiOrigin = /^https:\/\/api(?:\.[a-z0-9-]+)*\.twilio\.com(?=[/?]|$)/i;

export class RebasingRequestClient extends twilio.RequestClient {
  readonly #base: string;

  constructor(apiBaseUrl: string, options: RequestClientOptions) {
    super(options);
    this.#base = apiBaseUrl.replace(/\/+$/, '');
  }

  override request<TData>(options: RequestOptions & { data?: TData }) {
    return super.request<TData>({ ...options, uri: options.uri.replace(twilioApiOrigin, this.#base) });
  }
}

// Twilio's REST error body: `{code, message, more_info, status}`.
export interface TwilioErrorBody {
  code: number;
  message: string;
  more_info: string;
  status: number;
}

export function twilioError(status: number, code: number, message: string): TwilioErrorBody {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

export const authenticateError = () => twilioError(401, 20003, 'Authenticate');
export const notFoundError = (path: string) => twilioError(404, 20404, `The requested resource ${path} was not found`);

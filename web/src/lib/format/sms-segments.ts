// How many SMS a reply costs. GSM-7 messages hold 160 characters (153 per part once split, the rest
// is the concatenation header); a single character outside GSM-7 switches the whole message to UCS-2,
// 70 characters (67 per part), counted in UTF-16 code units as carriers do.

const gsm7Basic =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
/** These take two septets (an escape plus the character). */
const gsm7Extension = '^{}\\[~]|€\f';

const basic = new Set(gsm7Basic);
const extension = new Set(gsm7Extension);

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsCount {
  encoding: SmsEncoding;
  /** Characters as the person sees them. */
  characters: number;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2): what the carrier counts. */
  units: number;
  segments: number;
  /** Per-segment capacity at the current length: 160/153 or 70/67. */
  perSegment: number;
}

export function countSms(text: string): SmsCount {
  const characters = [...text].length;
  let septets = 0;
  let gsm = true;
  for (const char of text) {
    if (basic.has(char)) septets += 1;
    else if (extension.has(char)) septets += 2;
    else {
      gsm = false;
      break;
    }
  }
  if (gsm) {
    const perSegment = septets <= 160 ? 160 : 153;
    return { encoding: 'GSM-7', characters, units: septets, segments: septets === 0 ? 0 : Math.ceil(septets / perSegment), perSegment };
  }
  const units = text.length;
  const perSegment = units <= 70 ? 70 : 67;
  return { encoding: 'UCS-2', characters, units, segments: Math.ceil(units / perSegment), perSegment };
}

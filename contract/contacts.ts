// The JSON of the contacts API (contract.md, "Contacts"). Types only, shared by the API's presenter and the web.
export type MarketingConsentStatus = 'granted' | 'unknown' | 'revoked';
export type OptOutSource = 'keyword' | 'classifier' | 'person' | 'carrier';

export interface ContactView {
  id: string;
  firstName: string | null;
  lastName: string | null;
  phone: string;
  email: string | null;
  tags: string[];
  optedOut: boolean;
  optedOutAt: string | null;
  /** How the opt-out happened (extension): a STOP keyword, the classifier, a person, a carrier error. */
  optedOutSource: OptOutSource | null;
  marketingConsent: { status: MarketingConsentStatus; source: string | null; at: string | null };
  timeZone: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ConsentEventView {
  status: MarketingConsentStatus;
  source: string;
  evidence: string | null;
  at: string;
  by: { id: string; email: string } | null;
}

export interface ContactConversationView {
  id: string;
  category: 'engaged' | 'opt_out' | 'complaint';
  needsAttention: boolean;
  lastMessageAt: string | null;
  ourNumber: string;
}

/** `GET /api/contacts/:id` */
export interface ContactDetailView {
  contact: ContactView;
  conversations: ContactConversationView[];
  consentHistory: ConsentEventView[];
}

/** `GET /api/contacts` */
export interface ContactPage {
  items: ContactView[];
  nextCursor: string | null;
}

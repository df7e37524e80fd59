// Binds every model to one Sequelize instance and wires the associations. Use the classes returned
// here (`db.models.Tenant`), not the exported base classes, which are never bound to a database.
import type { Sequelize } from 'sequelize';
import { initContact } from './contact.ts';
import { initContactConsentEvent } from './contact-consent-event.ts';
import { initConversation } from './conversation.ts';
import { initMessage } from './message.ts';
import { initPhoneNumber } from './phone-number.ts';
import { initServiceTitanConfig } from './servicetitan-config.ts';
import { initSession } from './session.ts';
import { initTenant } from './tenant.ts';
import { initUser } from './user.ts';

export function initModels(sequelize: Sequelize) {
  const Tenant = initTenant(sequelize);
  const User = initUser(sequelize);
  const PhoneNumber = initPhoneNumber(sequelize);
  const Contact = initContact(sequelize);
  const ContactConsentEvent = initContactConsentEvent(sequelize);
  const Conversation = initConversation(sequelize);
  const Message = initMessage(sequelize);
  const ServiceTitanConfig = initServiceTitanConfig(sequelize);
  const Session = initSession(sequelize);

  const byTenant = { foreignKey: 'tenantId' };
  Tenant.hasMany(User, { ...byTenant, as: 'users' });
  User.belongsTo(Tenant, { ...byTenant, as: 'tenant' });
  Tenant.hasMany(PhoneNumber, { ...byTenant, as: 'phoneNumbers' });
  PhoneNumber.belongsTo(Tenant, { ...byTenant, as: 'tenant' });
  Tenant.hasMany(Contact, { ...byTenant, as: 'contacts' });
  Contact.belongsTo(Tenant, { ...byTenant, as: 'tenant' });
  Tenant.hasMany(Conversation, { ...byTenant, as: 'conversations' });
  Conversation.belongsTo(Tenant, { ...byTenant, as: 'tenant' });
  Tenant.hasOne(ServiceTitanConfig, { ...byTenant, as: 'serviceTitanConfig' });
  ServiceTitanConfig.belongsTo(Tenant, { ...byTenant, as: 'tenant' });

  Contact.hasMany(Conversation, { foreignKey: 'contactId', as: 'conversations' });
  Conversation.belongsTo(Contact, { foreignKey: 'contactId', as: 'contact' });
  PhoneNumber.hasMany(Conversation, { foreignKey: 'phoneNumberId', as: 'conversations' });
  Conversation.belongsTo(PhoneNumber, { foreignKey: 'phoneNumberId', as: 'phoneNumber' });
  Conversation.hasMany(Message, { foreignKey: 'conversationId', as: 'messages' });
  Message.belongsTo(Conversation, { foreignKey: 'conversationId', as: 'conversation' });
  Message.belongsTo(User, { foreignKey: 'authorUserId', as: 'authorUser' });
  User.hasMany(Session, { foreignKey: 'userId', as: 'sessions' });
  Session.belongsTo(User, { foreignKey: 'userId', as: 'user' });

  Contact.hasMany(ContactConsentEvent, { foreignKey: 'contactId', as: 'consentEvents' });

  return { Tenant, User, PhoneNumber, Contact, ContactConsentEvent, Conversation, Message, ServiceTitanConfig, Session };
}

export type Models = ReturnType<typeof initModels>;

export { Tenant, defaultConversationIdleSeconds, defaultHelpReply } from './tenant.ts';
export { User, userRoles, normalizeEmail, type UserRole } from './user.ts';
export { PhoneNumber } from './phone-number.ts';
export { Contact, optOutSources, marketingConsentStatuses, type OptOutSource, type MarketingConsentStatus } from './contact.ts';
export { ContactConsentEvent } from './contact-consent-event.ts';
export {
  Conversation,
  conversationCategories,
  classificationSources,
  bookingStatuses,
  conversationStatuses,
  type ConversationCategory,
  type ConversationStatus,
  type ClassificationSource,
  type BookingStatus,
} from './conversation.ts';
export { Message, messageAuthors, messageDirections, messageStatuses, type MessageAuthor, type MessageDirection, type MessageStatus } from './message.ts';
export { ServiceTitanConfig, type ServiceTitanEnvironment } from './servicetitan-config.ts';
export { Session } from './session.ts';

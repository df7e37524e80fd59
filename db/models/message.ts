// One SMS in a conversation. Inbound messages are `received`; outbound ones follow Twilio's status
// callbacks. `twilioSid` is unique so a webhook delivered twice is stored once.
import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type NonAttribute,
  type Sequelize,
} from 'sequelize';
import type { Conversation } from './conversation.ts';
import type { User } from './user.ts';

export const messageDirections = ['inbound', 'outbound'] as const;
export type MessageDirection = (typeof messageDirections)[number];

/**
 * `received` for inbound; the rest are Twilio's outbound statuses. The brief's set is
 * queued|sending|sent|delivered|undelivered|failed; Twilio can also report the others in a status
 * callback, and refusing them at the database would lose the callback.
 */
export const messageStatuses = [
  'received',
  'queued',
  'sending',
  'sent',
  'delivered',
  'undelivered',
  'failed',
  'accepted',
  'scheduled',
  'canceled',
  'read',
  'partially_delivered',
  // Ours, not Twilio's: the send may or may not have reached Twilio; never resent automatically.
  'unknown',
] as const;
export type MessageStatus = (typeof messageStatuses)[number];

/** Who wrote it: HELP replies and other automated texts are `system`. Filled in by the database when omitted. */
export const messageAuthors = ['customer', 'person', 'assistant', 'system'] as const;
export type MessageAuthor = (typeof messageAuthors)[number];

export class Message extends Model<InferAttributes<Message>, InferCreationAttributes<Message>> {
  declare id: CreationOptional<string>;
  declare tenantId: string;
  declare conversationId: string;
  declare direction: MessageDirection;
  declare body: string;
  declare status: MessageStatus;
  declare twilioSid: CreationOptional<string | null>;
  /** The CSR who wrote an outbound message; null for inbound and automatic replies. */
  declare authorUserId: CreationOptional<string | null>;
  /** Twilio's error code (e.g. "30003") from a failed or undelivered status callback. */
  declare errorCode: CreationOptional<string | null>;
  /** The `unknown` message a person resent as this one (at most one resend each). */
  declare resendOf: CreationOptional<string | null>;
  /** Filled in by a trigger when omitted (inbound → customer, with a user → person, else system). */
  declare author: CreationOptional<MessageAuthor>;
  /** The conversation's episode it belongs to; filled in by a trigger when omitted. */
  declare episode: CreationOptional<number>;
  /** Inbound: the webhook stored it and the relay has not yet handed it to the workflow. */
  declare relayPending: CreationOptional<boolean>;
  /** Inbound: when the workflow filed it. */
  declare filedAt: CreationOptional<Date | null>;
  declare numMedia: CreationOptional<number>;
  declare mediaUrls: CreationOptional<string[]>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  /** Present only when included. */
  declare conversation?: NonAttribute<Conversation>;
  declare authorUser?: NonAttribute<User | null>;
}

export function initMessage(sequelize: Sequelize): typeof Message {
  const Bound = class extends Message {};
  Bound.init(
    {
      id: { type: DataTypes.UUID, defaultValue: DataTypes.UUIDV4, primaryKey: true },
      tenantId: { type: DataTypes.UUID, allowNull: false },
      conversationId: { type: DataTypes.UUID, allowNull: false },
      direction: { type: DataTypes.TEXT, allowNull: false, validate: { isIn: [[...messageDirections]] } },
      body: { type: DataTypes.TEXT, allowNull: false, defaultValue: '' },
      status: { type: DataTypes.TEXT, allowNull: false, validate: { isIn: [[...messageStatuses]] } },
      twilioSid: { type: DataTypes.TEXT, allowNull: true, unique: true },
      authorUserId: { type: DataTypes.UUID, allowNull: true },
      errorCode: { type: DataTypes.TEXT, allowNull: true },
      resendOf: { type: DataTypes.UUID, allowNull: true },
      // No model default: the database trigger derives them, so every writer gets the same rule.
      author: { type: DataTypes.TEXT, allowNull: true, validate: { isIn: [[...messageAuthors]] } },
      episode: { type: DataTypes.INTEGER, allowNull: true },
      relayPending: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      filedAt: { type: DataTypes.DATE, allowNull: true },
      numMedia: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      mediaUrls: { type: DataTypes.JSONB, allowNull: false, defaultValue: [] },
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, modelName: 'Message', tableName: 'messages', underscored: true },
  );
  return Bound;
}

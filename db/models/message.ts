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
  declare numMedia: CreationOptional<number>;
  declare mediaUrls: CreationOptional<string[]>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  /** Present only when included. */
  declare conversation?: NonAttribute<Conversation>;
  declare author?: NonAttribute<User | null>;
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
      numMedia: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      mediaUrls: { type: DataTypes.JSONB, allowNull: false, defaultValue: [] },
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, modelName: 'Message', tableName: 'messages', underscored: true },
  );
  return Bound;
}

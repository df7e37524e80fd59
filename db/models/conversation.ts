// One thread between a tenant's number and a customer; carries the classification and the state of its
// single ServiceTitan booking. Unique per (tenant, our number, contact), matching one Temporal workflow.
import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type NonAttribute,
  type Sequelize,
} from 'sequelize';
import type { AssistantServiceTitanJob } from '../../contract/conversation-assistant.ts';
import type { Contact } from './contact.ts';
import type { Message } from './message.ts';
import type { PhoneNumber } from './phone-number.ts';

export const conversationCategories = ['engaged', 'opt_out', 'complaint'] as const;
export type ConversationCategory = (typeof conversationCategories)[number];

export const classificationSources = ['keyword', 'ai', 'csr', 'fallback'] as const;
export type ClassificationSource = (typeof classificationSources)[number];

/** `retrying` is internal (Temporal is retrying the activity); the inbox API may show it as `pending`. */
export const bookingStatuses = ['none', 'pending', 'retrying', 'created', 'failed', 'skipped'] as const;
export type BookingStatus = (typeof bookingStatuses)[number];

/** `resolved`: a person resolved it, or it was idle for the tenant's idle time; the next inbound message reopens it as the next episode. */
export const conversationStatuses = ['open', 'resolved'] as const;
export type ConversationStatus = (typeof conversationStatuses)[number];

/** An ended episode's booking, kept when the conversation starts its next episode. */
export interface PastEpisode {
  episode: number;
  bookingStatus: BookingStatus;
  serviceTitanBookingId: string | null;
  bookingLastError: string | null;
  /** The job the assistant booked in it; absent in episodes that ended before migration 0016. */
  serviceTitanJob?: AssistantServiceTitanJob | null;
}

export class Conversation extends Model<
  InferAttributes<Conversation>,
  InferCreationAttributes<Conversation>
> {
  declare id: CreationOptional<string>;
  declare tenantId: string;
  declare contactId: string;
  declare phoneNumberId: string;
  declare category: CreationOptional<ConversationCategory>;
  declare classificationConfidence: CreationOptional<number | null>;
  declare classificationReason: CreationOptional<string | null>;
  declare classificationSource: CreationOptional<ClassificationSource | null>;
  declare needsAttention: CreationOptional<boolean>;
  declare lastMessageAt: CreationOptional<Date | null>;
  declare serviceTitanBookingId: CreationOptional<string | null>;
  declare serviceTitanBookingCreatedAt: CreationOptional<Date | null>;
  declare bookingStatus: CreationOptional<BookingStatus>;
  declare bookingAttempts: CreationOptional<number>;
  declare bookingLastError: CreationOptional<string | null>;
  declare status: CreationOptional<ConversationStatus>;
  /** 1, 2, …: the booking columns above belong to this episode. */
  declare episode: CreationOptional<number>;
  declare resolvedAt: CreationOptional<Date | null>;
  /** When a person last replied or marked it handled. */
  declare handledAt: CreationOptional<Date | null>;
  /** Work the workflow could not do (a non-retryable failure). */
  declare lastError: CreationOptional<string | null>;
  declare pastEpisodes: CreationOptional<PastEpisode[]>;
  /** The job the assistant booked in this episode (job mode), or null. */
  declare serviceTitanJob: CreationOptional<AssistantServiceTitanJob | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  /** Present only when included (`include: ['contact']`). */
  declare contact?: NonAttribute<Contact>;
  declare phoneNumber?: NonAttribute<PhoneNumber>;
  declare messages?: NonAttribute<Message[]>;
}

export function initConversation(sequelize: Sequelize): typeof Conversation {
  const Bound = class extends Conversation {};
  Bound.init(
    {
      id: { type: DataTypes.UUID, defaultValue: DataTypes.UUIDV4, primaryKey: true },
      tenantId: { type: DataTypes.UUID, allowNull: false },
      contactId: { type: DataTypes.UUID, allowNull: false },
      phoneNumberId: { type: DataTypes.UUID, allowNull: false },
      category: {
        type: DataTypes.TEXT,
        allowNull: false,
        defaultValue: 'engaged',
        validate: { isIn: [[...conversationCategories]] },
      },
      classificationConfidence: { type: DataTypes.REAL, allowNull: true },
      classificationReason: { type: DataTypes.TEXT, allowNull: true },
      classificationSource: {
        type: DataTypes.TEXT,
        allowNull: true,
        validate: { isIn: [[...classificationSources]] },
      },
      needsAttention: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      lastMessageAt: { type: DataTypes.DATE, allowNull: true },
      serviceTitanBookingId: { type: DataTypes.TEXT, allowNull: true },
      serviceTitanBookingCreatedAt: { type: DataTypes.DATE, allowNull: true },
      bookingStatus: {
        type: DataTypes.TEXT,
        allowNull: false,
        defaultValue: 'none',
        validate: { isIn: [[...bookingStatuses]] },
      },
      bookingAttempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      bookingLastError: { type: DataTypes.TEXT, allowNull: true },
      status: { type: DataTypes.TEXT, allowNull: false, defaultValue: 'open', validate: { isIn: [[...conversationStatuses]] } },
      episode: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
      resolvedAt: { type: DataTypes.DATE, allowNull: true },
      handledAt: { type: DataTypes.DATE, allowNull: true },
      lastError: { type: DataTypes.TEXT, allowNull: true },
      pastEpisodes: { type: DataTypes.JSONB, allowNull: false, defaultValue: [] },
      serviceTitanJob: { type: DataTypes.JSONB, allowNull: true },
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, modelName: 'Conversation', tableName: 'conversations', underscored: true },
  );
  return Bound;
}

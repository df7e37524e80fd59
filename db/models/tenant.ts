// A business using IntelliSend. Its Twilio auth token is stored sealed (SecretBox ciphertext).
import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

/** What HELP / INFO answer until the tenant writes its own (one 160-character SMS segment). */
export const defaultHelpReply =
  'Thanks for texting us! A team member will reply shortly. For urgent service, call the number on your invoice. Reply STOP to opt out.';

export const defaultConversationIdleSeconds = 7 * 24 * 3600;

export class Tenant extends Model<InferAttributes<Tenant>, InferCreationAttributes<Tenant>> {
  declare id: CreationOptional<string>;
  declare name: string;
  declare twilioAccountSid: CreationOptional<string | null>;
  /** SecretBox ciphertext; read it through db/tenant-secrets.ts. */
  declare twilioAuthToken: CreationOptional<string | null>;
  declare helpReply: CreationOptional<string>;
  /** ISO 3166 alpha-2: national phone formats are read in it. */
  declare country: CreationOptional<string>;
  /** IANA zone: the last fallback for a recipient's local time. */
  declare timeZone: CreationOptional<string>;
  /** A conversation without a message for this long resolves itself (default 7 days). */
  declare conversationIdleSeconds: CreationOptional<number>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export function initTenant(sequelize: Sequelize): typeof Tenant {
  // A subclass per Sequelize instance, so two databases in one process never share a model binding.
  const Bound = class extends Tenant {};
  Bound.init(
    {
      id: { type: DataTypes.UUID, defaultValue: DataTypes.UUIDV4, primaryKey: true },
      name: { type: DataTypes.TEXT, allowNull: false, validate: { notEmpty: true } },
      twilioAccountSid: { type: DataTypes.TEXT, allowNull: true },
      twilioAuthToken: { type: DataTypes.TEXT, allowNull: true },
      helpReply: { type: DataTypes.TEXT, allowNull: false, defaultValue: defaultHelpReply },
      country: { type: DataTypes.TEXT, allowNull: false, defaultValue: 'US' },
      timeZone: { type: DataTypes.TEXT, allowNull: false, defaultValue: 'America/New_York' },
      conversationIdleSeconds: { type: DataTypes.INTEGER, allowNull: false, defaultValue: defaultConversationIdleSeconds },
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, modelName: 'Tenant', tableName: 'tenants', underscored: true },
  );
  return Bound;
}

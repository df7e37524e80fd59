// A customer of a tenant: whoever texted it, or whom an admin added or imported. One row per (tenant, phone).
// An opt-out is undone only by the customer (START); consent changes are kept in contact_consent_events.
import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

export const optOutSources = ['keyword', 'classifier', 'person', 'carrier'] as const;
export type OptOutSource = (typeof optOutSources)[number];
export const marketingConsentStatuses = ['granted', 'unknown', 'revoked'] as const;
export type MarketingConsentStatus = (typeof marketingConsentStatuses)[number];

export class Contact extends Model<InferAttributes<Contact>, InferCreationAttributes<Contact>> {
  declare id: CreationOptional<string>;
  declare tenantId: string;
  /** E.164 */
  declare phone: string;
  declare firstName: CreationOptional<string | null>;
  declare lastName: CreationOptional<string | null>;
  declare email: CreationOptional<string | null>;
  declare optedOut: CreationOptional<boolean>;
  declare optedOutAt: CreationOptional<Date | null>;
  declare optedOutSource: CreationOptional<OptOutSource | null>;
  declare tags: CreationOptional<string[]>;
  /** IANA zone, when known: campaign quiet hours follow it. */
  declare timeZone: CreationOptional<string | null>;
  declare marketingConsent: CreationOptional<MarketingConsentStatus>;
  declare marketingConsentSource: CreationOptional<string | null>;
  declare marketingConsentAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export function initContact(sequelize: Sequelize): typeof Contact {
  const Bound = class extends Contact {};
  Bound.init(
    {
      id: { type: DataTypes.UUID, defaultValue: DataTypes.UUIDV4, primaryKey: true },
      tenantId: { type: DataTypes.UUID, allowNull: false },
      phone: { type: DataTypes.TEXT, allowNull: false },
      firstName: { type: DataTypes.TEXT, allowNull: true },
      lastName: { type: DataTypes.TEXT, allowNull: true },
      email: { type: DataTypes.TEXT, allowNull: true },
      optedOut: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      optedOutAt: { type: DataTypes.DATE, allowNull: true },
      optedOutSource: { type: DataTypes.TEXT, allowNull: true },
      tags: { type: DataTypes.ARRAY(DataTypes.TEXT), allowNull: false, defaultValue: [] },
      timeZone: { type: DataTypes.TEXT, allowNull: true },
      marketingConsent: { type: DataTypes.TEXT, allowNull: false, defaultValue: 'unknown' },
      marketingConsentSource: { type: DataTypes.TEXT, allowNull: true },
      marketingConsentAt: { type: DataTypes.DATE, allowNull: true },
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    {
      sequelize,
      modelName: 'Contact',
      tableName: 'contacts',
      underscored: true,
      indexes: [{ unique: true, fields: ['tenant_id', 'phone'] }],
    },
  );
  return Bound;
}

// One change of a contact's marketing consent: what it became, who or what said so, and the evidence.
import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import type { MarketingConsentStatus } from './contact.ts';

export class ContactConsentEvent extends Model<InferAttributes<ContactConsentEvent>, InferCreationAttributes<ContactConsentEvent>> {
  declare id: CreationOptional<string>;
  declare tenantId: string;
  declare contactId: string;
  declare status: MarketingConsentStatus;
  /** `person`, `import`, `keyword` (STOP), `api`… */
  declare source: string;
  declare evidence: CreationOptional<string | null>;
  declare actorUserId: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
}

export function initContactConsentEvent(sequelize: Sequelize): typeof ContactConsentEvent {
  const Bound = class extends ContactConsentEvent {};
  Bound.init(
    {
      id: { type: DataTypes.UUID, defaultValue: DataTypes.UUIDV4, primaryKey: true },
      tenantId: { type: DataTypes.UUID, allowNull: false },
      contactId: { type: DataTypes.UUID, allowNull: false },
      status: { type: DataTypes.TEXT, allowNull: false },
      source: { type: DataTypes.TEXT, allowNull: false },
      evidence: { type: DataTypes.TEXT, allowNull: true },
      actorUserId: { type: DataTypes.UUID, allowNull: true },
      createdAt: DataTypes.DATE,
    },
    { sequelize, modelName: 'ContactConsentEvent', tableName: 'contact_consent_events', underscored: true, updatedAt: false },
  );
  return Bound;
}

// A tenant's ServiceTitan connection. Every field but the switch may be empty so an admin can save a
// partial, disabled config; the settings API refuses `enabled` while something is missing.
// clientSecret and appKey hold SecretBox ciphertext: read them through db/tenant-secrets.ts.
import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

import { serviceTitanEnvironmentNames, type ServiceTitanEnvironment } from '../../clients/servicetitan/environments.ts';

export type { ServiceTitanEnvironment };

export class ServiceTitanConfig extends Model<
  InferAttributes<ServiceTitanConfig>,
  InferCreationAttributes<ServiceTitanConfig>
> {
  declare id: CreationOptional<string>;
  declare tenantId: string;
  declare environment: CreationOptional<ServiceTitanEnvironment>;
  declare tenantApiBaseUrl: CreationOptional<string | null>;
  declare authUrl: CreationOptional<string | null>;
  /** ServiceTitan's own tenant id: digits, kept as text so no precision is lost. */
  declare serviceTitanTenantId: CreationOptional<string | null>;
  declare clientId: CreationOptional<string | null>;
  /** SecretBox ciphertext */
  declare clientSecret: CreationOptional<string | null>;
  /** SecretBox ciphertext */
  declare appKey: CreationOptional<string | null>;
  /** The booking provider tag id from ServiceTitan's settings. */
  declare bookingProvider: CreationOptional<string | null>;
  declare enabled: CreationOptional<boolean>;
  declare bookingSourceLabel: CreationOptional<string | null>;
  declare complaintPriority: CreationOptional<string | null>;
  declare businessUnitId: CreationOptional<number | null>;
  declare jobTypeId: CreationOptional<number | null>;
  declare campaignId: CreationOptional<number | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export function initServiceTitanConfig(sequelize: Sequelize): typeof ServiceTitanConfig {
  const Bound = class extends ServiceTitanConfig {};
  Bound.init(
    {
      id: { type: DataTypes.UUID, defaultValue: DataTypes.UUIDV4, primaryKey: true },
      tenantId: { type: DataTypes.UUID, allowNull: false, unique: true },
      environment: {
        type: DataTypes.TEXT,
        allowNull: false,
        defaultValue: 'production',
        validate: { isIn: [[...serviceTitanEnvironmentNames]] },
      },
      tenantApiBaseUrl: { type: DataTypes.TEXT, allowNull: true },
      authUrl: { type: DataTypes.TEXT, allowNull: true },
      serviceTitanTenantId: { type: DataTypes.TEXT, allowNull: true, validate: { is: /^\d+$/ } },
      clientId: { type: DataTypes.TEXT, allowNull: true },
      clientSecret: { type: DataTypes.TEXT, allowNull: true },
      appKey: { type: DataTypes.TEXT, allowNull: true },
      bookingProvider: { type: DataTypes.TEXT, allowNull: true },
      enabled: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      bookingSourceLabel: { type: DataTypes.TEXT, allowNull: true },
      complaintPriority: { type: DataTypes.TEXT, allowNull: true },
      businessUnitId: { type: DataTypes.INTEGER, allowNull: true },
      jobTypeId: { type: DataTypes.INTEGER, allowNull: true },
      campaignId: { type: DataTypes.INTEGER, allowNull: true },
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, modelName: 'ServiceTitanConfig', tableName: 'servicetitan_configs', underscored: true },
  );
  return Bound;
}

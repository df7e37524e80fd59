// A Twilio number a tenant receives SMS on. Globally unique: an inbound webhook's `To` names exactly
// one tenant.
import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

export class PhoneNumber extends Model<InferAttributes<PhoneNumber>, InferCreationAttributes<PhoneNumber>> {
  declare id: CreationOptional<string>;
  declare tenantId: string;
  /** E.164 */
  declare phone: string;
  declare label: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export function initPhoneNumber(sequelize: Sequelize): typeof PhoneNumber {
  const Bound = class extends PhoneNumber {};
  Bound.init(
    {
      id: { type: DataTypes.UUID, defaultValue: DataTypes.UUIDV4, primaryKey: true },
      tenantId: { type: DataTypes.UUID, allowNull: false },
      phone: { type: DataTypes.TEXT, allowNull: false, unique: true },
      label: { type: DataTypes.TEXT, allowNull: true },
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, modelName: 'PhoneNumber', tableName: 'phone_numbers', underscored: true },
  );
  return Bound;
}

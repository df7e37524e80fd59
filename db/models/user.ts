// A person who signs in to a tenant's inbox. Emails are unique across tenants (login is by email
// alone) and always stored lower-case.
import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

export const userRoles = ['admin', 'csr'] as const;
export type UserRole = (typeof userRoles)[number];

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export class User extends Model<InferAttributes<User>, InferCreationAttributes<User>> {
  declare id: CreationOptional<string>;
  declare tenantId: string;
  declare email: string;
  /** `scrypt$…` from secrets/password.ts */
  declare passwordHash: string;
  declare role: UserRole;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export function initUser(sequelize: Sequelize): typeof User {
  const Bound = class extends User {};
  Bound.init(
    {
      id: { type: DataTypes.UUID, defaultValue: DataTypes.UUIDV4, primaryKey: true },
      tenantId: { type: DataTypes.UUID, allowNull: false },
      email: {
        type: DataTypes.TEXT,
        allowNull: false,
        unique: true,
        set(value: string) {
          this.setDataValue('email', normalizeEmail(value));
        },
      },
      passwordHash: { type: DataTypes.TEXT, allowNull: false },
      role: { type: DataTypes.TEXT, allowNull: false, validate: { isIn: [[...userRoles]] } },
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, modelName: 'User', tableName: 'users', underscored: true },
  );
  return Bound;
}

// A signed-in browser. Only the SHA-256 (hex) of the cookie's random token is stored; expiry slides
// forward while the session is used (api/auth/sessions.ts).
import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

export class Session extends Model<InferAttributes<Session>, InferCreationAttributes<Session>> {
  declare id: CreationOptional<string>;
  /** hex SHA-256 of the cookie token */
  declare tokenHash: string;
  declare userId: string;
  declare expiresAt: Date;
  declare createdAt: CreationOptional<Date>;
  declare lastSeenAt: CreationOptional<Date>;
}

export function initSession(sequelize: Sequelize): typeof Session {
  const Bound = class extends Session {};
  Bound.init(
    {
      id: { type: DataTypes.UUID, defaultValue: DataTypes.UUIDV4, primaryKey: true },
      tokenHash: { type: DataTypes.TEXT, allowNull: false, unique: true },
      userId: { type: DataTypes.UUID, allowNull: false },
      expiresAt: { type: DataTypes.DATE, allowNull: false },
      createdAt: DataTypes.DATE,
      lastSeenAt: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
    },
    { sequelize, modelName: 'Session', tableName: 'sessions', underscored: true, updatedAt: false },
  );
  return Bound;
}

// Inbound webhooks accepted while Temporal was unreachable. The webhook stores the message and a row
// here, answers Twilio 200, and a relay starts the workflow later; `messageSid` keeps it exactly-once.
import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

export class InboundOutbox extends Model<InferAttributes<InboundOutbox>, InferCreationAttributes<InboundOutbox>> {
  declare id: CreationOptional<string>;
  declare messageSid: string;
  declare workflowId: string;
  /** Whatever the relay needs to signal-with-start the workflow. */
  declare payload: Record<string, unknown>;
  declare attempts: CreationOptional<number>;
  declare lastError: CreationOptional<string | null>;
  declare deliveredAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
}

export function initInboundOutbox(sequelize: Sequelize): typeof InboundOutbox {
  const Bound = class extends InboundOutbox {};
  Bound.init(
    {
      id: { type: DataTypes.UUID, defaultValue: DataTypes.UUIDV4, primaryKey: true },
      messageSid: { type: DataTypes.TEXT, allowNull: false, unique: true },
      workflowId: { type: DataTypes.TEXT, allowNull: false },
      payload: { type: DataTypes.JSONB, allowNull: false },
      attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      lastError: { type: DataTypes.TEXT, allowNull: true },
      deliveredAt: { type: DataTypes.DATE, allowNull: true },
      createdAt: DataTypes.DATE,
    },
    {
      sequelize,
      modelName: 'InboundOutbox',
      tableName: 'inbound_outbox',
      underscored: true,
      updatedAt: false,
    },
  );
  return Bound;
}

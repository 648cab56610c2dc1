-- The newest MQTT connection number (UnitStatus.connection, Sparkplug's bdSeq) of the unit's current boot: a Will of
-- an older connection, which the broker publishes after the unit's own reconnect took that connection over, is stale.
-- Null for units that do not number their connections.
ALTER TABLE unit_presence ADD COLUMN connection_seq bigint;

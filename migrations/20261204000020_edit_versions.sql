-- Agent profiles and the routing settings carry a version, as orders do: a save names the version
-- it was made from and is refused (409 conflict) if someone saved in between, instead of the last
-- writer silently undoing the other's change.
ALTER TABLE agent_profiles ADD COLUMN version integer NOT NULL DEFAULT 1;
ALTER TABLE routing_settings ADD COLUMN version integer NOT NULL DEFAULT 1;

-- The dashboard's delivered rate: orders whose courier outcome (delivered, returned, refused)
-- came within a range.
CREATE INDEX orders_delivery_idx ON orders (delivery_at) INCLUDE (delivery_outcome, assigned_agent_id)
    WHERE delivery_outcome IN ('delivered', 'returned', 'refused');

"""Storage: schema, migrations and the queries the stages use."""

"""Growth's GraphQL: what is trending."""

"""Domain services: the rules of the marketplace, with no knowledge of GraphQL."""

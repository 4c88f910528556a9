"""The web pages the API serves itself, offline: GraphiQL at /graphql (from assets shipped in the package) and the city
dashboard at /dashboard. They read only the public GraphQL API, with the person's own token; no domain is imported here."""

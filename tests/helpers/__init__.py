"""Helpers shared by the tests (tests/* and plugins/*/tests), one module per concern; fixtures live in conftest.py.

- database: which database (and Redis) the suite runs on, and emptying it
- api: the GraphQL client (Api), and the one way to start the app for a test (started_app, serve, serve_to)
- people, shops, catalog, checkout, orders, payments, delivery, reviews, city: builders and documents of each domain
- authorization: the world the authorization matrices act in (a person of every role and what each owns)
- live: real servers on real sockets (uvicorn, `umkm-graph serve`, `serve --demo`), a graphql-transport-ws client, and
  a sync GraphQL POST for tests that run no event loop
- demo_copy: the seeded demo in a SQLite file, copied from one template per worker instead of seeded each time
- processes: several server processes on one database, and the checks that the data stays whole
- statements: counting the SQL statements a request sends
- browser: Debian's chromium through Playwright, offline (only 127.0.0.1), screenshots under tests/artefacts/
- node: npm for the TypeScript client's test (skip, or fail under UMKM_REQUIRE_NODE=1)
- paths: where the repository's files are (docs, examples, bench, schema.graphql)
- documents: PDFs read back (text, metadata) and figures written the Indonesian way (Rp15.700, 33,3%)
"""

"""Search: the index interface, the query language, the Whoosh backend and the indexer."""

"""All of Figure Desk's SQL, one module per group of tables: the schema and its migrations, documents and their
facts, feed entries, reviews, official statistics, and the reads that turn them into frames.

Callers use the face of this package, :mod:`datastore.store`.
"""

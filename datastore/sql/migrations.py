"""The store's tables, as forward migrations: migration N takes a database from ``user_version`` N-1 to N.

Never edit a migration that has shipped: add a new one (:mod:`datastore.sql.schema` applies them).
"""

from __future__ import annotations

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (  # 1: the tables
        """CREATE TABLE documents (
            doc_id TEXT PRIMARY KEY,              -- content hash, whitespace-insensitive
            path TEXT, title TEXT, source TEXT, url TEXT,
            published TEXT,                       -- ISO date
            retrieved TEXT NOT NULL,              -- UTC ISO timestamp of first storage
            encoding TEXT,
            pair_a TEXT, pair_b TEXT,             -- the document's pair, sorted
            text TEXT NOT NULL,                   -- fact offsets refer to this text
            extractor_version TEXT NOT NULL,
            n_facts INTEGER NOT NULL,
            facts_digest TEXT NOT NULL            -- detects rule changes that keep the version
        )""",
        """CREATE TABLE facts (
            fact_id INTEGER PRIMARY KEY,
            doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
            sentence TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL, surface TEXT NOT NULL,
            kind TEXT NOT NULL, value REAL, value_low REAL, value_high REAL, unit TEXT,
            qualifier TEXT NOT NULL, value_usd REAL, metric TEXT NOT NULL, item TEXT, status TEXT,
            parties TEXT NOT NULL DEFAULT '[]',   -- JSON list of country names
            supplier TEXT, recipient TEXT,
            period_start TEXT, period_end TEXT, period_label TEXT,
            rule TEXT NOT NULL, fx_rate REAL, fx_date TEXT,
            figure INTEGER NOT NULL DEFAULT 0, plausible INTEGER NOT NULL DEFAULT 1,
            pair_a TEXT, pair_b TEXT,             -- first two parties, else the document's pair; sorted
            extractor_version TEXT NOT NULL
        )""",
        "CREATE INDEX facts_doc ON facts(doc_id)",
        """CREATE TABLE reviews (
            review_id INTEGER PRIMARY KEY,
            doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
            start INTEGER NOT NULL, "end" INTEGER NOT NULL, surface TEXT NOT NULL,
            value REAL,                           -- the extracted value the review was made on
            status TEXT NOT NULL CHECK (status IN ('accept', 'correct', 'reject')),
            corrected_value REAL, corrected_period_start TEXT, corrected_period_end TEXT, corrected_item TEXT,
            note TEXT, reviewer TEXT,
            reviewed_at TEXT NOT NULL
        )""",
        # One current review per figure; ifnull because UNIQUE treats NULLs (range figures) as distinct.
        """CREATE UNIQUE INDEX reviews_figure ON reviews(doc_id, start, "end", surface, ifnull(value, ''))""",
    ),
    (  # 2: indexes for the filters pages apply
        "CREATE INDEX facts_pair ON facts(pair_a, pair_b)",
        "CREATE INDEX facts_metric ON facts(metric)",
        "CREATE INDEX facts_kind ON facts(kind)",
        "CREATE INDEX facts_period ON facts(period_start, period_end)",
        "CREATE INDEX documents_published ON documents(published)",
    ),
    (  # 3: the noun a count counts, beside the system in `item` ("squadron" beside "S-400")
        "ALTER TABLE facts ADD COLUMN item_noun TEXT",
    ),
    (  # 4: a fetched story is found by its address (two links to one story are one document)
        "CREATE INDEX documents_url ON documents(url)",
    ),
    (  # 5: feeds: when each was checked and what it brought, and every entry already read
        """CREATE TABLE feed_checks (
            feed_url TEXT PRIMARY KEY,            -- the feed's address as listed in feeds.yaml
            checked TEXT NOT NULL,                -- UTC ISO timestamp of the last check
            error TEXT,                           -- why the feed itself could not be read then, else NULL
            entries INTEGER NOT NULL DEFAULT 0,   -- entries the feed listed
            new_entries INTEGER NOT NULL DEFAULT 0,  -- entries not read before
            stored INTEGER NOT NULL DEFAULT 0,    -- documents they gave that were new or updated
            failed INTEGER NOT NULL DEFAULT 0     -- new entries that could not be read
        )""",
        """CREATE TABLE feed_entries (
            feed_url TEXT NOT NULL,
            entry_key TEXT NOT NULL,              -- the entry's id (guid), else its link
            url TEXT NOT NULL,                    -- the link followed
            first_seen TEXT NOT NULL,             -- UTC ISO timestamp
            outcome TEXT NOT NULL,                -- new | unchanged | updated | failed | retry (read again next time)
            PRIMARY KEY (feed_url, entry_key)
        )""",
    ),
    (  # 6: official statistics beside the news; its own table only, so it may run before or after any other
        """CREATE TABLE IF NOT EXISTS official_figures (
            official_id INTEGER PRIMARY KEY,
            reporter TEXT NOT NULL,               -- the country whose statistics these are
            partner TEXT NOT NULL,
            flow TEXT NOT NULL CHECK (flow IN ('exports', 'imports', 'trade_total')),  -- the reporter's side
            period_start TEXT NOT NULL, period_end TEXT NOT NULL,   -- ISO dates, both days included
            value REAL NOT NULL, currency TEXT NOT NULL, value_usd REAL,
            source TEXT NOT NULL,                 -- who publishes the figure ("UN Comtrade", a ministry)
            url TEXT,
            file TEXT NOT NULL,                   -- the file it was last loaded from (name only)
            file_format TEXT NOT NULL,            -- comtrade | comtrade_classic | simple
            pair_a TEXT NOT NULL, pair_b TEXT NOT NULL,  -- reporter and partner, sorted
            loaded_at TEXT NOT NULL               -- UTC ISO timestamp of the last change
        )""",
        """CREATE UNIQUE INDEX IF NOT EXISTS official_figures_key
            ON official_figures(source, reporter, partner, flow, period_start, period_end)""",
        "CREATE INDEX IF NOT EXISTS official_figures_pair ON official_figures(pair_a, pair_b)",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)

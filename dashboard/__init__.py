"""What the pages draw: tidy frames (queries), labels, corroboration, the review queue, the trade series, charts,
exports and the briefing pack, all pure (no SQL, no Streamlit, tested as plain functions), and the Streamlit glue
that puts them on a page (:mod:`dashboard.ui`). The store and what fills it are the data layer, ``datastore``.
"""

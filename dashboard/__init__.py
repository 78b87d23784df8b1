"""Everything between the extractor and the pages: the SQLite store, ingestion, and the queries pages use.

Modules stay importable without Streamlit so they can be tested, scripted and run from the CLI.
"""

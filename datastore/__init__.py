"""The data layer: the SQLite store (all SQL), and everything that fills it: ingestion of files, web pages and
feeds, batch extraction on Dask, official statistics files.

Below the dashboard and above the extractor: modules here import ``extractors`` and never Streamlit or
``dashboard``. Every module stays importable without Streamlit, so the command line and batch workers use it.
"""

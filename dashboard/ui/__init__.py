"""The Streamlit glue: everything that needs Streamlit but is not a page, a module per job.

- :mod:`.runtime`: the app around the pages (page config, routing, the rules panel, memory settled after a run)
- :mod:`.reads`: the view a page draws (:class:`reads.View`) and every store read, cached per store state
- :mod:`.frames`: the frames each page draws for its view (trade, defence, series, Overview), cached likewise
- :mod:`.sidebar`: the pair, year basis and period every page shares
- :mod:`.widgets`: widgets whose value lives in the URL, and the page furniture (intro, empty state)
- :mod:`.evidence`: charts with click-through, the sentences behind a figure, highlighted text, citation
- :mod:`.downloads` and :mod:`.packs`: CSV, image and briefing-pack downloads
- :mod:`.uploads`, :mod:`.feed_list`, :mod:`.review`: the Documents page's articles and feeds, the Review page

Pages read like a description of the screen and call these; the logic itself is pure (``dashboard.queries``,
``dashboard.corroboration``…) and tested without Streamlit.
"""

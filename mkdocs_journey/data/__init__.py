"""Reading touch-event files: declared data sources, the analytical engine, data quality, cache.

Nothing here imports MkDocs; the plugin and the CLI are thin adapters over this package and
:mod:`mkdocs_journey.analytics`.
"""

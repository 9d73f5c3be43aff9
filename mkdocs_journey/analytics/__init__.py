"""Analytics of touch events for a journey map, over what the engine (:mod:`mkdocs_journey.data`)
computed: attribution models, funnel, channel mix, path insights, KPI actuals, data quality.

The entry points are in :mod:`.pipeline`: ``analyze(source, journey_map, settings)`` returns a
:class:`~.result.DataAnalysis` (cached by the file's content hash and every relevant setting);
``analyze_file(path)`` does the same for a bare file with the standard column names, as
``mkdocs-journey analyze`` does.
"""

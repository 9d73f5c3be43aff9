"""Maps over time: what changed between two versions of a site, and KPI values across versions.

Everything here works on ``journeys.json`` records (the stable v1 export), whatever a side was
read from: a ``journeys.json`` file, a built site, the map pages at a git ref, or an earlier
version published with mike. Nothing here imports MkDocs.
"""

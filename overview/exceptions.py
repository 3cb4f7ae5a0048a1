class RollupBusy(Exception):
    """Another rollup job holds the lock; try again shortly."""

"""Reports (observations, incidents) and district situation pictures: see issue #3."""

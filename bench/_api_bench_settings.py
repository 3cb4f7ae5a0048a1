from trygg.settings import *  # noqa: F403

ROOT_URLCONF = "_api_bench_site"

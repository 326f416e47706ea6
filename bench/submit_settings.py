"""Settings for bench/submit.py: the real ones, with the baseline view's URL added."""

from tahawul.settings import *  # noqa: F403

ROOT_URLCONF = "submit_urls"

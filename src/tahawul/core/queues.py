"""The background task queues (settings.TASKS). `tahawul run` gives each its own worker, so calls
to other people's servers, which may each wait a timeout, never hold up the platform's own work
(an SMS code, a notification)."""

DEFAULT_QUEUE = "default"
OUTBOUND_QUEUE = "outbound"  # webhook deliveries, channel checks
